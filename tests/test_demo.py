import sqlalchemy as sa

from app.extensions import db
from app.partners.models import ASSOCIATED_TOWN, NETWORK, TWIN_TOWN, Partner, PartnerLink
from tests.factories import make_partner


def names(kind: str) -> set[str]:
    return set(db.session.scalars(sa.select(Partner.name).where(Partner.kind == kind)))


def test_seed_demo_loads_goteborg_by_default(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "coordinator@example.org" in result.output
    assert {"Shanghai", "Nelson Mandela Bay", "Chicago", "Lyon"} <= set(
        db.session.scalars(sa.select(Partner.name).where(Partner.kind == "partner_city"))
    )
    assert names(TWIN_TOWN) == {"Århus", "Åbo", "Bergen"}
    shanghai = db.session.scalar(sa.select(Partner).where(Partner.slug == "shanghai"))
    assert shanghai.since_year == 1986
    nmb = db.session.scalar(sa.select(Partner).where(Partner.slug == "nelson-mandela-bay"))
    assert "SIDA" in nmb.funding and "ICLD" in nmb.funding


def test_seed_demo_molndal_gives_twin_towns_their_twin_towns_and_both_networks(runner):
    result = runner.invoke(args=["seed-demo", "--city", "molndal"])
    assert result.exit_code == 0, result.output
    assert names(TWIN_TOWN) == {"Albertslund", "Borken", "Canterbury/Whitstable"}
    assert names(ASSOCIATED_TOWN) == {
        "Ricany",
        "East Renfrewshire",
        "Grabow",
        "Balkow",
        "Dainville",
    }
    assert names(NETWORK) == {"Eurotowns", "SERN"}
    eurotowns = db.session.scalar(sa.select(Partner).where(Partner.slug == "eurotowns"))
    assert (eurotowns.member_count, eurotowns.member_countries) == (18, 8)
    assert len(eurotowns.projects) == 3
    # every twin town of a twin town is linked to the twin town it belongs to
    linked = set(
        db.session.scalars(
            sa.select(Partner.name)
            .join(PartnerLink, PartnerLink.partner_id == Partner.id)
            .where(Partner.kind == ASSOCIATED_TOWN)
        )
    )
    assert linked == names(ASSOCIATED_TOWN)


def test_demo_contacts_are_role_addresses_at_example_org(runner):
    from app.partners.models import Contact

    runner.invoke(args=["seed-demo", "--city", "molndal"])
    emails = set(db.session.scalars(sa.select(Contact.email)))
    assert emails and all(e.endswith("@example.org") for e in emails)


def test_seed_demo_refuses_a_non_empty_database_and_changes_nothing(runner):
    make_partner("Somewhere")
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "not empty" in result.output
    assert list(db.session.scalars(sa.select(Partner.name))) == ["Somewhere"]


def test_seed_demo_if_empty_leaves_existing_data_alone(runner):
    make_partner("Somewhere")
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert list(db.session.scalars(sa.select(Partner.name))) == ["Somewhere"]


def test_seed_demo_force_replaces_existing_data(runner):
    make_partner("Somewhere")
    result = runner.invoke(args=["seed-demo", "--force", "--city", "molndal"])
    assert result.exit_code == 0, result.output
    assert "Somewhere" not in set(db.session.scalars(sa.select(Partner.name)))
    assert "Eurotowns" in set(db.session.scalars(sa.select(Partner.name)))
