"""One module per tab: each has ``render(ctx: Context) -> None`` and is listed once in
:data:`dashboard.app.VIEWS` (its title in :data:`dashboard.tabs.TABS`).

Views never import each other; what two views need (default query words, neighbour
tables, example analogies) is in :mod:`dashboard.queries`, the user's inputs in
:mod:`dashboard.state`, the app's bookkeeping in :mod:`dashboard.session`.  The helpers
they share live in :mod:`dashboard.ui` and are handed on here.
"""

from dashboard.ui import (  # noqa: F401  (handed on to the views)
    ECHO_CHARS,
    NO_RUN,
    PRESENT_FONT,
    TRAINING,
    Context,
    echo,
    explain,
    guard,
    md,
    min_count,
    no_run,
    plausible,
    report,
    show,
    tab_run,
    unknown_message,
)
