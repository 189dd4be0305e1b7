"""conditional_response: ETag, Last-Modified, Cache-Control and 304 as RFC 9110 section 13 says."""

import hashlib
from datetime import UTC, datetime

import pytest
from flask import Flask

from app.httpcache import conditional_response

BODY = b'{"hello":"world"}'
ETAG = f'"{hashlib.sha256(BODY).hexdigest()}"'
CHANGED = datetime(2024, 5, 4, 12, 30, 15, 999_999, tzinfo=UTC)
CHANGED_HTTP = "Sat, 04 May 2024 12:30:15 GMT"
LATER = "Wed, 01 Jan 2025 00:00:00 GMT"


@pytest.fixture
def answer():
    """Answer one request with BODY as conditional_response builds it (no database needed)."""
    app = Flask(__name__)

    def run(method: str = "GET", *, last_modified=CHANGED, **headers: str):
        with app.test_request_context("/", method=method, headers=headers):
            return conditional_response(
                BODY,
                mimetype="application/json",
                last_modified=last_modified,
                max_age=60,
                extra_headers={"Vary": "Accept-Language"},
            )

    return run


def test_a_full_answer_has_its_validators_and_cache_control(answer):
    response = answer()
    assert response.status_code == 200
    assert response.get_data() == BODY
    assert response.mimetype == "application/json"
    assert response.headers["ETag"] == ETAG
    assert response.headers["Last-Modified"] == CHANGED_HTTP  # whole seconds
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Vary"] == "Accept-Language"


def test_without_a_last_modified_no_header_is_sent(answer):
    assert "Last-Modified" not in answer(last_modified=None).headers


def test_a_naive_last_modified_is_refused(answer):
    with pytest.raises(ValueError):
        answer(last_modified=datetime(2030, 5, 4))


@pytest.mark.parametrize(
    "if_none_match",
    [ETAG, f"W/{ETAG}", f'"other", {ETAG}', f'"a", W/{ETAG}, "b"', "*", f" {ETAG} "],
)
def test_a_matching_if_none_match_gets_304_with_validators_and_no_body(answer, if_none_match):
    response = answer(**{"If-None-Match": if_none_match})
    assert response.status_code == 304
    assert response.get_data() == b""
    assert "Content-Type" not in response.headers
    assert response.headers["ETag"] == ETAG
    assert response.headers["Last-Modified"] == CHANGED_HTTP
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Vary"] == "Accept-Language"


@pytest.mark.parametrize("if_none_match", ['"other"', 'W/"other", "more"', "", ","])
def test_an_if_none_match_naming_other_tags_gets_the_full_answer(answer, if_none_match):
    response = answer(**{"If-None-Match": if_none_match})
    assert response.status_code == 200
    assert response.get_data() == BODY


@pytest.mark.parametrize("if_none_match", ['"other"', "", ","])
def test_if_none_match_present_means_if_modified_since_is_ignored(answer, if_none_match):
    response = answer(**{"If-None-Match": if_none_match, "If-Modified-Since": LATER})
    assert response.status_code == 200


def test_a_matching_if_none_match_wins_over_an_old_if_modified_since(answer):
    response = answer(
        **{"If-None-Match": ETAG, "If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    )
    assert response.status_code == 304


@pytest.mark.parametrize(
    ("since", "status"),
    [
        (CHANGED_HTTP, 304),  # the same second: the fraction is not part of HTTP dates
        ("Sat, 04 May 2024 12:30:16 GMT", 304),
        (LATER, 304),
        ("Sat, 04 May 2024 12:30:14 GMT", 200),
        ("Saturday, 04-May-24 12:30:15 GMT", 304),  # the obsolete RFC 850 form
        ("yesterday", 200),  # malformed: ignored
        ("Sat, 99 May 2024 12:30:15 GMT", 200),
        ("Fri, 01 Jan 2100 00:00:00 GMT", 200),  # in the future: not a valid date, ignored
        ("", 200),
    ],
)
def test_if_modified_since_alone_is_compared_with_last_modified(answer, since, status):
    assert answer(**{"If-Modified-Since": since}).status_code == status


def test_if_modified_since_without_a_last_modified_gets_the_full_answer(answer):
    response = answer(last_modified=None, **{"If-Modified-Since": CHANGED_HTTP})
    assert response.status_code == 200


def test_head_is_conditional_too(answer):
    assert answer("HEAD", **{"If-None-Match": ETAG}).status_code == 304


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_are_never_answered_304(answer, method):
    response = answer(method, **{"If-None-Match": ETAG, "If-Modified-Since": CHANGED_HTTP})
    assert response.status_code == 200


def test_the_same_bytes_give_the_same_etag_and_other_bytes_another(answer):
    app = Flask(__name__)
    with app.test_request_context("/"):
        other = conditional_response(b'{"hello":"there"}', mimetype="application/json")
    assert answer().headers["ETag"] == answer().headers["ETag"] != other.headers["ETag"]
    assert other.headers["Cache-Control"] == "public, max-age=300"
