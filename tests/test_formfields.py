"""Every form cleans what people paste and counts only ASCII digits."""

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField, PasswordField, StringField, TextAreaField

from app.formfields import Form


class SampleForm(Form):
    class Meta:
        csrf = False

    name = StringField()
    notes = TextAreaField()
    password = PasswordField()
    pupils = IntegerField()


def submit(app, **data):
    with app.test_request_context(method="POST", data=data):
        form = SampleForm(formdata=MultiDict(data))
        form.validate()
        return form


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  HVITFELDTSKA   Gymnasiet ", "HVITFELDTSKA Gymnasiet"),
        ("Hvitfeldtska\u200b gymnasiet", "Hvitfeldtska gymnasiet"),  # zero-width space
        ("\u202egymnasiet", "gymnasiet"),  # right-to-left override
        ("Skola\x07\x1b[31m", "Skola [31m"),  # control characters
        ("Göteborg", "Göteborg"),
        ("Go\u0308teborg", "Göteborg"),  # composed, so the same name compares equal
    ],
)
def test_single_line_text_loses_invisible_characters(app, typed, kept):
    assert submit(app, name=typed).name.data == kept


def test_multi_line_text_keeps_its_line_breaks_and_loses_the_rest(app):
    form = submit(app, notes="Dag 1:\r\n  buss\u200b 08.00\r\n\r\nDag 2\x00")
    assert form.notes.data == "Dag 1:\nbuss 08.00\n\nDag 2"


def test_a_password_is_kept_exactly_as_typed(app):
    assert submit(app, password=" a\u200bb ").password.data == " a\u200bb "


@pytest.mark.parametrize("typed", ["٣", "５", "3_000", "1e3", "9" * 101])
def test_numbers_take_only_ascii_digits(app, typed):
    form = submit(app, pupils=typed)
    assert form.pupils.data is None
    assert form.pupils.errors


def test_ascii_digits_are_a_number(app):
    assert submit(app, pupils=" 12 ").pupils.data == 12
