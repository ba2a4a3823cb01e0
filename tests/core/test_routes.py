"""Every route says who may use it (``view.audience``, set by the decorators of core.auth and
scoring.auth); this tries every route with every kind of visitor and checks that the right ones,
and only they, get past the door."""

from decimal import Decimal

import pytest

from core import db
from core.auth import ADMINISTRATOR, ANYONE, KIOSK, ORGANISER, event_audience, hash_token
from core.models import EventMember, EventRole, Job
from display.models import RunSheetStep, Screen
from initiatives import dossiers
from initiatives.access import LIBRARY_READER
from initiatives.manage_dossiers import SUPPORT
from initiatives.models import (
    Attachment,
    AttachmentKind,
    LibraryReaders,
    LibrarySettings,
    RollupSigner,
    Similarity,
    SimilarityKind,
    SupportMember,
)
from initiatives.record_form import read_registration
from initiatives.service import record_choices
from kiosk.models import Ballot, BallotChannel
from scoring.auth import CHAIR_OR_MANAGER, JUDGE, card_of
from scoring.models import Entry

KINDS = (
    "anonymous",
    "judge",
    "chair",
    "kiosk",
    "support",
    "stranger",
    "viewer",
    "manager",
    "owner",
    "admin",
)
ORGANISERS = {"support", "stranger", "viewer", "manager", "owner", "admin"}
ALLOWED = {
    ANYONE: set(KINDS),
    JUDGE: {"judge", "chair"},
    ORGANISER: ORGANISERS,
    event_audience(EventRole.VIEWER): {"viewer", "manager", "owner", "admin"},
    event_audience(EventRole.MANAGER): {"manager", "owner", "admin"},
    event_audience(EventRole.OWNER): {"owner", "admin"},
    ADMINISTRATOR: {"admin"},
    CHAIR_OR_MANAGER: {"chair", "manager", "owner", "admin"},
    KIOSK: {"kiosk"},
    SUPPORT: {"support", "admin"},
    # The library's reading pages, open to everyone by default (the administrator may close them:
    # test_a_closed_library_lets_in_organisers_only).
    LIBRARY_READER: set(KINDS),
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

    def support():
        """A member of a unit's support team (Tổ hỗ trợ sáng kiến)."""
        member = factory.organiser()
        unit = factory.unit(name="Công ty Điện lực Quảng Nam")
        with factory.writing() as session:
            session.add(SupportMember(unit_id=unit.id, organiser_id=member.id))
        return {"_user_id": member.get_id()}

    def tablet(judge):
        return {"judge_id": judge.id, "judge_card": card_of(hash_token(judge.token))}

    return {
        "anonymous": {},
        "judge": tablet(judge),
        "chair": tablet(factory.judge(event, name="Phạm Quốc Bảo", is_chair=True)),
        "kiosk": {"kiosk_event": event.id},
        "support": support(),
        "stranger": organiser(other, EventRole.OWNER),
        "viewer": organiser(event, EventRole.VIEWER),
        "manager": organiser(event, EventRole.MANAGER),
        "owner": organiser(event, EventRole.OWNER),
        "admin": organiser(admin=True),
    }


VOTE_PAGES = ("ballot", "printed", "confirm", "booth_scan")


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
        # A screen to drive and rehearse on, and a step of the run-sheet the managers edit, move,
        # delete.
        screen = Screen(event_id=contest.event.id, name="main", key="hoi-truong")
        step = RunSheetStep(event_id=contest.event.id, position=1, title="Khai mạc")
        session.add_all([screen, step])
        member = EventMember(
            event_id=contest.event.id, organiser_id=colleague.id, role=EventRole.VIEWER
        )
        ballot = Ballot(event_id=contest.event.id, channel=BallotChannel.BADGE)
        session.add_all([job, member, ballot])
    # A worker's dossier in a unit whose support team the support member is in too.
    support_id = int(sessions["support"]["_user_id"].split(":")[0])
    link, dossier_id, support_member_id = dossier_of(app, factory, support_id)
    values = {
        # The worker's personal link and their dossier; the support member's team row, which
        # the administrators and the event's owners take off.
        "link": link,
        "dossier_id": dossier_id,
        "support_member_id": support_member_id,
        "job_id": job.id,
        "slug": contest.slug,
        "entry_id": contest.entries[0],
        # The round of that entry: the managers rename, move and delete it, withdraw the entry.
        "round_id": round_of(factory, contest.entries[0]),
        "code": "en",
        "token": exhibit.qr_token,
        # An approved exhibit with no photo of that number: its photo routes answer 404.
        "exhibit_id": exhibit.id,
        "photo_id": 1,
        "exhibit_token": exhibit.qr_token,
        "vote_id": 1,
        # A ballot's pages take its token (a voter holds nothing else).
        **{(f"vote.{name}", "token"): ballot.token for name in VOTE_PAGES},
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
        "step_id": step.id,
        # A sheet of the visiting judge: the chair and the managers read and verify it.
        "sheet_id": factory.sheet(judge, contest.entries[0]),
        # The library: a record (whose application for recognition the organisers download too),
        # its novelty problem with an earlier one, an export's format.
        **library_values(factory),
        # A big screen of the event: the managers drive, rename and delete it.
        "screen_id": screen.id,
        "key": screen.key,
        # A table of the results' exports.
        "table": "standings",
        # A unit's roll-up key that the administrators stop trusting.
        "signer_id": signer_of(factory),
    }
    return sessions, values


def dossier_of(app, factory, organiser_id):
    """A submitted dossier of a unit, its personal link, and the team row that makes
    ``organiser_id`` a member of the unit's support team."""
    unit = factory.unit(name="Điện lực Thăng Bình")
    token, digest = dossiers.new_link()
    form = {
        "title": "Xe phun nước xử lý sự cố hạ áp trong hẻm nhỏ",
        "unit": str(unit.id),
        "solution_type": "technical",
        "author-1-name": "Võ Thanh Tùng",
        "author-1-share": "100",
    }
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        registration, problems = read_registration(form, record_choices(session), draft=True)
        assert not problems
        dossier = dossiers.start_dossier(session, registration, digest, submit=True)
        member = SupportMember(unit_id=unit.id, organiser_id=organiser_id)
        session.add(member)
        session.flush()
        return token, dossier.id, member.id


def library_values(factory):
    """A record of the library close to an earlier one of its unit, and a file of it."""
    unit = factory.unit(name="Điện lực Sơn Trà")
    earlier = factory.initiative(title="Tiết kiệm điện chiếu sáng", unit_id=unit.id)
    later = factory.initiative(title="Tiết kiệm điện chiếu sáng", unit_id=unit.id)
    with factory.writing() as session:
        found = Similarity(
            initiative_id=later.id,
            other_id=earlier.id,
            score=Decimal(1),
            kind=SimilarityKind.NOVELTY,
        )
        file = Attachment(initiative_id=later.id, kind=AttachmentKind.PHOTO, path="missing.jpg")
        session.add_all([found, file])
    return {
        "initiative_id": later.id,
        "similarity_id": found.id,
        "attachment_id": file.id,
        ("library.export", "kind"): "xlsx",
    }


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


def test_a_closed_library_lets_in_organisers_only(app, visitors, factory):
    sessions, values = visitors
    with factory.writing() as session:
        session.add(LibrarySettings(id=1, readers=LibraryReaders.ORGANISERS))
    for rule in routes(app):
        if app.view_functions[rule.endpoint].audience != LIBRARY_READER:
            continue
        for kind in KINDS:
            response = visit(app, sessions[kind], url(rule, values), "GET")
            assert refused(response) is (kind not in ORGANISERS), (rule.rule, kind)
