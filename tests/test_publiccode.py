"""The publishing metadata: publiccode.yml follows the standard, and the licence named
everywhere (publiccode.yml, REUSE.toml, pyproject.toml) is the one whose text ships."""

import datetime
import re
import tomllib

import yaml

from app import ROOT

# The standard's controlled vocabularies (https://yml.publiccode.tools, core schema).
CATEGORIES = frozenset(
    """accounting agile-project-management applicant-tracking application-development
    appointment-scheduling backup billing-and-invoicing blog budgeting business-intelligence
    business-process-management cad call-center-management cloud-management collaboration
    communications compliance-management contact-management content-management crm
    customer-service-and-support data-analytics data-collection data-visualization design
    design-system digital-asset-management digital-citizenship document-management
    donor-management e-commerce e-signature educational-content email-management
    email-marketing employee-management enterprise-project-management
    enterprise-social-networking erp event-management facility-management
    feedback-and-reviews-management financial-reporting fleet-management fundraising
    gamification geographic-information-systems grant-management graphic-design help-desk hr
    ide identity-management instant-messaging inventory-management it-asset-management
    it-development it-management it-security it-service-management knowledge-management
    learning-management-system marketing mind-mapping mobile-marketing mobile-payment
    network-management office online-booking online-community payment-gateway payroll
    predictive-analysis procurement productivity-suite project-collaboration
    project-management property-management real-estate-management remote-support
    resource-management sales-management seo service-desk social-media-management survey
    talent-management task-management taxes-management test-management time-management
    time-tracking translation video-conferencing video-editing visitor-management voip
    warehouse-management web-collaboration web-conferencing website-builder whistleblowing
    workflow-management""".split()  # noqa: SIM905 (the standard's list, as it reads)
)
DEVELOPMENT_STATUS = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPES = {
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
}
MAINTENANCE = {"internal", "contract", "community", "none"}


def publiccode() -> dict:
    # YAML 1.1's loader would read an unquoted date as a date: the standard wants strings.
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def test_publiccode_has_every_mandatory_key_with_an_allowed_value():
    doc = publiccode()
    assert doc["publiccodeYmlVersion"] == "0.4"
    assert doc["name"] and doc["url"].startswith("https://")
    assert doc["platforms"] == ["web"]
    assert doc["categories"] and set(doc["categories"]) <= CATEGORIES
    assert doc["developmentStatus"] in DEVELOPMENT_STATUS
    assert doc["softwareType"] in SOFTWARE_TYPES
    datetime.date.fromisoformat(doc["releaseDate"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc["releaseDate"])
    assert doc["maintenance"]["type"] in MAINTENANCE
    if doc["maintenance"]["type"] in {"internal", "community"}:
        assert all(contact["name"] for contact in doc["maintenance"]["contacts"])
    assert doc["localisation"]["localisationReady"] is True


def test_publiccode_describes_the_software_in_swedish_and_english_within_the_limits():
    doc = publiccode()
    assert set(doc["description"]) == {"sv", "en"}
    for text in doc["description"].values():
        assert 0 < len(text["shortDescription"]) <= 150
        assert "\n" not in text["shortDescription"].strip()
        assert 150 <= len(text["longDescription"]) <= 10_000
        assert len(text["features"]) >= 5
    assert doc["localisation"]["availableLanguages"] == ["sv", "en"]


def test_publiccode_version_is_the_packages():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert publiccode()["softwareVersion"] == pyproject["project"]["version"]


def test_the_licence_named_everywhere_is_the_one_whose_text_ships():
    licence = publiccode()["legal"]["license"]
    reuse = tomllib.loads((ROOT / "REUSE.toml").read_text(encoding="utf-8"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert [a["SPDX-License-Identifier"] for a in reuse["annotations"]] == [licence]
    assert reuse["annotations"][0]["path"] == "**"  # every file, by REUSE's rules
    assert pyproject["project"]["license"] == licence
    shipped = {p.stem for p in (ROOT / "LICENSES").iterdir()}
    assert shipped == {licence}
    text = (ROOT / "LICENSES" / f"{licence}.txt").read_text(encoding="utf-8")
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
