"""The coordinators' workspace home: the dashboard and the audit log."""
