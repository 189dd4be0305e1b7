"""Import every model so that the metadata (migrations, create_all) sees them all."""

from app.agreements import models as agreements  # noqa: F401
from app.audit import AuditEntry  # noqa: F401
from app.auth.models import Coordinator  # noqa: F401
from app.calendar.models import DataVersion, FeedToken  # noqa: F401
from app.exchanges import models as exchanges  # noqa: F401
from app.grants import models as grants  # noqa: F401
from app.installation import Installation  # noqa: F401
from app.mail import OutboxMail  # noqa: F401
from app.meetings import models as meetings  # noqa: F401
from app.partners.models import Contact, Partner, PartnerLink, Project, Theme  # noqa: F401
from app.ratelimit_storage import RateLimitCounter  # noqa: F401
from app.records.models import DisposalLog, RetentionRule  # noqa: F401
from app.reminders.models import (  # noqa: F401
    Reminder,
    ReminderRule,
    SchedulerHeartbeat,
    SchedulerLease,
)
