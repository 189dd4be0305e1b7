"""Workspace forms for partners, networks, projects and contacts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from app.formfields import Form
from app.partners.labels import KIND_LABELS
from app.partners.workspace import PARTNER_FIELDS

YEAR = [Optional(), NumberRange(min=1000, max=2200)]


class PartnerForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    slug = StringField(_l("Address name"), validators=[Optional(), Length(max=80)])
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    other_names = StringField(_l("Other names"), validators=[Length(max=200)])
    country = StringField(_l("Country code"), validators=[Optional(), Length(min=2, max=2)])
    region_sv = StringField(_l("Region (Swedish)"), validators=[Length(max=120)])
    region_en = StringField(_l("Region (English)"), validators=[Length(max=120)])
    timezone = StringField(
        _l("Time zone"),
        validators=[Optional(), Length(max=64)],
        render_kw={"list": "timezones", "autocomplete": "off"},
    )
    since_year = IntegerField(_l("Partner since (year)"), validators=YEAR)
    since_approximate = BooleanField(_l("The year is approximate"))
    funding = StringField(_l("Funding"), validators=[Length(max=200)])
    description_sv = TextAreaField(_l("Description (Swedish)"), validators=[Length(max=10000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=10000)])
    member_count = IntegerField(
        _l("Number of members (networks)"), validators=[Optional(), NumberRange(min=0)]
    )
    member_countries = IntegerField(
        _l("Number of member countries (networks)"), validators=[Optional(), NumberRange(min=0)]
    )
    membership_sv = TextAreaField(_l("Membership (Swedish)"), validators=[Length(max=10000)])
    membership_en = TextAreaField(_l("Membership (English)"), validators=[Length(max=10000)])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, str(v)) for k, v in KIND_LABELS.items()]

    def values(self) -> dict:
        return {name: self[name].data for name in PARTNER_FIELDS}


class ProjectForm(Form):
    title_sv = StringField(_l("Title (Swedish)"), validators=[Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=200)])
    description_sv = TextAreaField(_l("Description (Swedish)"), validators=[Length(max=10000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=10000)])
    starts_year = IntegerField(_l("First year"), validators=YEAR)
    ends_year = IntegerField(_l("Last year"), validators=YEAR)
    funding = StringField(_l("Funding"), validators=[Length(max=200)])

    def values(self) -> dict:
        return {
            name: (self[name].data if self[name].data is not None else None)
            if name.endswith("year")
            else (self[name].data or "")
            for name in (
                "title_sv",
                "title_en",
                "description_sv",
                "description_en",
                "starts_year",
                "ends_year",
                "funding",
            )
        }


class ContactForm(Form):
    role_sv = StringField(_l("Role (Swedish)"), validators=[Length(max=120)])
    role_en = StringField(_l("Role (English)"), validators=[Length(max=120)])
    organisation = StringField(_l("Organisation"), validators=[Length(max=160)])
    email = EmailField(
        _l("E-mail"), validators=[Optional(), Email(check_deliverability=False), Length(max=254)]
    )
    phone = StringField(_l("Telephone"), validators=[Length(max=40)])

    def values(self) -> dict:
        return {
            n: self[n].data or "" for n in ("role_sv", "role_en", "organisation", "email", "phone")
        }


class ConfirmForm(Form):
    """Only the CSRF token: a confirmation page's button."""
