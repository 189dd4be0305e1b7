"""Words for the audit log's kinds of record and changes, in the page's language.

A kind of record without a label here is shown by its class name.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.audit import CREATE, DELETE, UPDATE

OBJECT_LABELS: dict[str, object] = {
    "Agreement": _l("Agreement"),
    "Partner": _l("Partner"),
    "Project": _l("Project"),
    "Contact": _l("Contact"),
    "Coordinator": _l("Coordinator"),
}

ACTION_LABELS: dict[str, object] = {
    CREATE: _l("Created"),
    UPDATE: _l("Changed"),
    DELETE: _l("Deleted"),
}
