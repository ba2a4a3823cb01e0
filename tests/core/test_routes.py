"""Every route says who may use it (``view.audience``, set by the decorators of core.auth and
scoring.auth); this tries every route with every kind of visitor and checks that the right ones,
and only they, get past the door."""

import pytest

from core.auth import ADMINISTRATOR, ANYONE, ORGANISER, event_audience, hash_token
from core.models import EventMember, EventRole, Job
from initiatives.models import RollupSigner
from scoring.auth import CHAIR_OR_MANAGER, JUDGE, card_of
from scoring.models import Entry

KINDS = ("anonymous", "judge", "chair", "stranger", "viewer", "manager", "owner", "admin")
ORGANISERS = {"stranger", "viewer", "manager", "owner", "admin"}
ALLOWED = {
    ANYONE: set(KINDS),
    JUDGE: {"judge", "chair"},
    ORGANISER: ORGANISERS,
    event_audience(EventRole.VIEWER): {"viewer", "manager", "owner", "admin"},
    event_audience(EventRole.MANAGER): {"manager", "owner", "admin"},
    event_audience(EventRole.OWNER): {"owner", "admin"},
    ADMINISTRATOR: {"admin"},
    CHAIR_OR_MANAGER: {"chair", "manager", "owner", "admin"},
}


def routes(app):
    """Every route; the logout last, since it ends every session of the organiser it lets in."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    return sorted(rules, key=lambda rule: rule.endpoint == "core.logout")


def test_every_route_says_who_may_use_it(app):
    for rule in routes(app):
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "audience", None) in ALLOWED, f"{rule.rule} says nobody"


def visitor_sessions(factory, event, judge):
    """What the browser of each kind of visitor holds in its session, around ``event``."""
    other = factory.event()

    def organiser(event=None, role=None, admin=False):
        return {"_user_id": factory.organiser(event=event, role=role, admin=admin).get_id()}

    def tablet(judge):
        return {"judge_id": judge.id, "judge_card": card_of(hash_token(judge.token))}

    return {
        "anonymous": {},
        "judge": tablet(judge),
        "chair": tablet(factory.judge(event, name="Phạm Quốc Bảo", is_chair=True)),
        "stranger": organiser(other, EventRole.OWNER),
        "viewer": organiser(event, EventRole.VIEWER),
        "manager": organiser(event, EventRole.MANAGER),
        "owner": organiser(event, EventRole.OWNER),
        "admin": organiser(admin=True),
    }


def signer_of(factory):
    with factory.writing() as session:
        signer = RollupSigner(name="Công ty Điện lực Quảng Nam", public_key="ab" * 32)
        session.add(signer)
    return signer.id


def round_of(factory, entry_id):
    with factory.writing() as session:
        return session.get(Entry, entry_id).round_id


@pytest.fixture
def visitors(app, factory, contest, judge):
    """Each kind of visitor's session, and the values that fill the routes' URLs."""
    app.config["WTF_CSRF_ENABLED"] = False
    sessions = visitor_sessions(factory, contest.event, judge)
    exhibit = factory.exhibit(contest.event)
    colleague = factory.organiser()
    with factory.writing() as session:
        job = Job(kind="posters", event_id=contest.event.id)
        member = EventMember(
            event_id=contest.event.id, organiser_id=colleague.id, role=EventRole.VIEWER
        )
        session.add_all([job, member])
    values = {
        "job_id": job.id,
        "slug": contest.slug,
        "entry_id": contest.entries[0],
        # The round of that entry: the managers rename, move and delete it, withdraw the entry.
        "round_id": round_of(factory, contest.entries[0]),
        "code": "en",
        "token": exhibit.qr_token,
        ("scoring.magic_link", "token"): judge.token,
        # A judge of the event whose card the managers renew, and whose recusal from the entry
        # they take back: not the one visiting.
        "judge_id": factory.judge(
            contest.event, name="Lê Minh Tuấn", recused_from=(contest.entries[0],)
        ).id,
        # Someone of the event's Ban Tổ chức, and an account, that none of the visitors is: the
        # owners take them off, the administrators reset their password.
        "member_id": member.id,
        "organiser_id": factory.organiser().id,
        # A unit nothing refers to (the administrators delete it), and a theme of the defaults.
        "unit_id": factory.unit(name="Đội Quản lý điện Sơn Trà").id,
        "kind": "theme",
        "term_id": factory.term().id,
        # A panel of the event's round, with no judge and no entry: the managers delete it.
        "panel_id": factory.panel(contest.event).id,
        # An initiative whose application for recognition the organisers download.
        "initiative_id": factory.initiative().id,
        # A unit's roll-up key that the administrators stop trusting.
        "signer_id": signer_of(factory),
    }
    return sessions, values


def visit(app, session, path, method):
    """One request from a new browser holding ``session``: no visit changes the next."""
    client = app.test_client()
    with client.session_transaction() as stored:
        stored.update(session)
    return client.open(path, method=method)


def url(rule, values):
    arguments = {
        name: values.get((rule.endpoint, name), values.get(name)) for name in rule.arguments
    }
    return rule.build(arguments)[1]


def refused(response):
    """Refused, or sent to log in first (a page then comes back: ``next=``)."""
    to_login = response.headers.get("Location", "").startswith("/login?next=")
    return response.status_code in (401, 403) or to_login


def test_every_route_lets_in_exactly_who_it_says(app, visitors):
    sessions, values = visitors
    for rule in routes(app):
        audience = app.view_functions[rule.endpoint].audience
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for kind in KINDS:
                response = visit(app, sessions[kind], url(rule, values), method)
                assert response.status_code < 500, (rule.rule, method, kind)
                if audience != ANYONE:  # whose door is open to all may still say "wrong password"
                    expected = kind not in ALLOWED[audience]
                    assert refused(response) is expected, (rule.rule, method, kind)
