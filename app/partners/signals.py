"""What other areas hear from partners, without partners importing them.

`place_changed` is sent (sender: the partner; `name_changed`: bool) when a partner's name
or time zone changes: meetings held there move or are renamed in calendars, so the areas
that show them raise their SEQUENCE (app/meetings/services.py, app/exchanges/services.py).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()
place_changed = _signals.signal("partner-place-changed")
