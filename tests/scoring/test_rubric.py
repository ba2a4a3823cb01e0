"""The rubric editor: what is wrong with a proposed rubric (pure), saving and restoring it (the
lock once a score exists, the tie-break cascade that follows), and its pages by role."""

import re
import uuid
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import db
from core.errors import Conflict, Invalid
from core.models import AuditLog, Event, EventRole, EventStatus
from scoring.models import Criterion, Score, ScoreSheet
from scoring.rubric import (
    DEFAULT_RUBRIC,
    BandDraft,
    CriterionDraft,
    cascade_after,
    criteria,
    drafts_from_form,
    edited,
    rubric_problems,
)
from scoring.rubric_service import restore_default_rubric, rubric_lock, save_rubric
from tests.factories import Factory
from tests.scoring.test_api import bearer

# --- The problems of a proposed rubric: no database, no request ---------------------------------


def default_drafts():
    return [
        CriterionDraft(
            id=None,
            key=key,
            name_vi=name_vi,
            name_en=name_en,
            weight=str(maximum),
            max_score=str(maximum),
            step="0,5",
            bands=tuple(BandDraft(str(lo), str(hi), vi, en) for lo, hi, vi, en in bands),
        )
        for key, name_vi, name_en, maximum, bands in DEFAULT_RUBRIC
    ]


def with_bands(*bounds, step="0,5", maximum="20"):
    """One criterion worth 100% with these bands."""
    bands = tuple(BandDraft(lo, hi, f"Mức {lo}") for lo, hi in bounds)
    draft = CriterionDraft(None, "novelty", "Tính mới", "Novelty", "100", maximum, step, bands)
    return rubric_problems([draft])


def messages(problems):
    return {problem.field: problem.message for problem in problems}


def test_the_default_rubric_of_domain_md_has_no_problem():
    assert rubric_problems(default_drafts()) == []


def test_weights_must_add_up_to_100_percent_and_the_message_says_how_far_off():
    drafts = default_drafts()
    drafts[0] = replace(drafts[0], weight="25")
    assert messages(rubric_problems(drafts)) == {
        "weights": "Các trọng số cộng lại được 105%, cần đúng 100%: hãy bớt 5% ở một hoặc vài "
        "tiêu chí."
    }
    drafts[0] = replace(drafts[0], weight="12,5")
    assert "thêm 7,5%" in messages(rubric_problems(drafts))["weights"]
    drafts[0] = replace(drafts[0], weight="12.5")  # a point is read as well as a comma
    assert "thêm 7,5%" in messages(rubric_problems(drafts))["weights"]


@pytest.mark.parametrize("weight", ["", "hai mươi", "-20", "0", "100,5", "12,345"])
def test_a_weight_is_a_percentage_above_0_with_at_most_two_decimals(weight):
    drafts = default_drafts()
    drafts[1] = replace(drafts[1], weight=weight)
    found = messages(rubric_problems(drafts))
    assert set(found) == {"c1-weight"}  # the total is not judged on a weight that is wrong


def test_half_points_bands_written_in_whole_points_touch():
    assert with_bands(("0", "0"), ("1", "9"), ("10", "13"), ("14", "17"), ("18", "20")) == []
    # or at the next half point
    assert with_bands(("0", "9,5"), ("10", "20")) == []
    assert with_bands(("0", "4,5"), ("5", "20")) == []


def test_a_gap_between_bands_is_named_with_the_scores_in_it():
    found = messages(with_bands(("0", "13"), ("14", "17"), ("19", "20")))
    assert found == {
        "c0-b2-min": "Giữa mức 14–17 và mức 19–20 còn trống: điểm trên 17 và dưới 19 chưa "
        "thuộc mức nào."
    }
    # after a half point, the next one must follow at once
    assert "c0-b1-min" in messages(with_bands(("0", "9,5"), ("10,5", "20")))
    # with whole points only, 17 then 18 touch too
    assert with_bands(("0", "17"), ("18", "20"), step="1") == []


def test_bands_overlap_when_a_score_is_in_two():
    found = messages(with_bands(("18", "20"), ("14", "18"), ("0", "13")))
    assert found == {"c0-b0-min": "Mức 18–20 chồng lên mức 14–18: điểm 18 thuộc cả hai."}
    found = messages(with_bands(("0", "20"), ("5", "10")))
    assert found == {"c0-b1-min": "Mức 5–10 chồng lên mức 0–20: điểm 5–10 thuộc cả hai."}


def test_bands_cover_0_to_the_maximum():
    found = messages(with_bands(("1", "9"), ("10", "19")))
    assert found == {
        "c0-b0-min": "Các mức phải bắt đầu từ 0: điểm từ 0 đến dưới 1 chưa thuộc mức nào.",
        "c0-b1-max": "Các mức phải lên tới điểm tối đa 20: điểm trên 19 chưa thuộc mức nào.",
    }
    assert messages(with_bands()) == {"c0-bands": "Hãy thêm ít nhất một mức đánh giá."}


def test_each_band_is_checked_by_itself_first():
    found = messages(with_bands(("0", "x"), ("9", "2"), ("10", "14,25"), ("15", "25")))
    assert set(found) == {"c0-b0-max", "c0-b1-min", "c0-b2-max", "c0-b3-max"}
    assert found["c0-b2-max"] == "Điểm của mức phải là bội của bước chấm 0,5."
    assert found["c0-b3-max"] == "Mức vượt quá điểm tối đa 20."


def test_the_maximum_is_above_0_and_a_multiple_of_the_step():
    assert messages(with_bands(("0", "20"), step="3")) == {
        "c0-max_score": "Điểm tối đa 20 phải là bội của bước chấm 3."
    }
    assert set(messages(with_bands(("0", "0"), maximum="0"))) == {"c0-max_score"}
    assert set(messages(with_bands(("0", "20"), step="0"))) == {"c0-step"}


@pytest.mark.parametrize("key", ["", "Novelty", "hiệu_quả", "1st", "tinh moi", "x" * 33])
def test_a_key_is_a_short_ascii_identifier(key):
    drafts = default_drafts()
    drafts[0] = replace(drafts[0], key=key)
    assert set(messages(rubric_problems(drafts))) == {"c0-key"}


def test_keys_are_unique_and_untrimmed_mean_is_the_cascades_own():
    drafts = default_drafts()
    drafts[1] = replace(drafts[1], key="novelty")
    drafts[2] = replace(drafts[2], key="untrimmed_mean")
    found = messages(rubric_problems(drafts))
    assert set(found) == {"c0-key", "c1-key", "c2-key"}
    assert "dành cho quy tắc xét khi bằng điểm" in found["c2-key"]


def test_names_are_not_empty_and_a_rubric_has_criteria():
    drafts = default_drafts()
    drafts[3] = replace(drafts[3], name_vi="", name_en="")
    drafts[3] = replace(drafts[3], bands=(replace(drafts[3].bands[0], vi=""), *drafts[3].bands[1:]))
    assert set(messages(rubric_problems(drafts))) == {"c3-name_vi", "c3-name_en", "c3-b0-vi"}
    assert set(messages(rubric_problems([]))) == {"criteria"}


def test_the_cascade_follows_a_renamed_key_and_drops_a_removed_one():
    cascade = ["benefit", "effectiveness", "untrimmed_mean"]
    assert cascade_after(cascade, {"benefit": "loi_ich"}, {"loi_ich", "effectiveness"}) == [
        "loi_ich",
        "effectiveness",
        "untrimmed_mean",
    ]
    assert cascade_after(cascade, {}, {"benefit"}) == ["benefit", "untrimmed_mean"]
    swapped = {"benefit": "effectiveness", "effectiveness": "benefit"}
    assert cascade_after(cascade, swapped, {"benefit", "effectiveness"}) == [
        "effectiveness",
        "benefit",
        "untrimmed_mean",
    ]


def test_the_form_is_read_in_its_order_with_composed_letters():
    form = {
        "c0-id": "7",
        "c0-key": " novelty ",
        "c0-name_vi": "Tính me\u0301o",  # é typed as e and an accent
        "c0-b0-min": "0",
        "c0-b1-min": "1",
        "c2-id": "2147483648999",
        "c2-key": "pitch",
        "c25-key": "beyond",
    }
    drafts = drafts_from_form(form)
    assert [(d.id, d.key) for d in drafts] == [(7, "novelty"), (None, "pitch")]
    assert drafts[0].name_vi == "Tính méo"
    assert [band.min for band in drafts[0].bands] == ["0", "1"]


def test_the_editors_buttons_change_the_form_only():
    drafts = default_drafts()
    keys = [d.key for d in drafts]
    assert [d.key for d in edited(drafts, "down-0")] == [keys[1], keys[0], *keys[2:]]
    assert [d.key for d in edited(drafts, "up-0")] == keys
    assert [d.key for d in edited(drafts, "remove-4")] == keys[:4]
    assert len(edited(drafts, "add")) == 6
    assert len(edited(drafts, "add-band-1")[1].bands) == 6
    assert [b.min for b in edited(drafts, "remove-band-0-0")[0].bands] == ["14", "10", "1", "0"]
    for nonsense in ("save", "up-99", "remove-band-0-99", "drop", "add-band-x"):
        assert edited(drafts, nonsense) == drafts


# --- Saving and restoring -----------------------------------------------------------------------


def open_event(factory, **overrides):
    """An event whose rubric may change: the default one, registration open."""
    return factory.contest(status=EventStatus.OPEN, **overrides)


def saved_drafts(app, event):
    from scoring.rubric import draft_of

    with app.app_context(), db.unit_of_work() as session:
        return [draft_of(row) for row in criteria(session, event.id)]


def write(app, action, event, *args):
    with app.test_request_context(), db.unit_of_work(write=True) as session:
        found = session.get(Event, event.id)
        return action(session, found, *args, "organiser:1")


def test_saving_changes_weights_keys_and_order_and_the_cascade_follows(app, factory):
    contest = open_event(factory)
    drafts = saved_drafts(app, contest.event)
    drafts[2] = replace(drafts[2], key="loi_ich", weight="30")  # benefit
    drafts[4] = replace(drafts[4], weight="5")  # pitch
    drafts[0], drafts[1] = drafts[1], drafts[0]
    saved = write(app, save_rubric, contest.event, drafts)
    assert saved.changed and saved.notes == []
    with app.app_context(), db.unit_of_work() as session:
        rows = criteria(session, contest.event.id)
        assert [(r.key, r.weight) for r in rows] == [
            ("effectiveness", Decimal("0.25")),
            ("novelty", Decimal("0.20")),
            ("loi_ich", Decimal("0.30")),
            ("replicability", Decimal("0.20")),
            ("pitch", Decimal("0.05")),
        ]
        event = session.get(Event, contest.event.id)
        assert event.tie_break == ["loi_ich", "effectiveness", "untrimmed_mean"]
        logged = session.scalars(select(AuditLog).where(AuditLog.action == "rubric.saved")).one()
        assert logged.before["tie_break"][0] == "benefit"
        assert logged.after["criteria"][2]["key"] == "loi_ich"


def test_two_criteria_may_swap_their_keys(app, factory):
    contest = open_event(factory)
    drafts = saved_drafts(app, contest.event)
    drafts[0], drafts[1] = replace(drafts[0], key="pitch"), replace(drafts[1], key="novelty")
    drafts[4] = replace(drafts[4], key="effectiveness")
    write(app, save_rubric, contest.event, drafts)
    with app.app_context(), db.unit_of_work() as session:
        assert [r.key for r in criteria(session, contest.event.id)][:2] == ["pitch", "novelty"]


@pytest.mark.postgres
def test_keys_swap_and_a_removed_key_is_taken_again_on_postgresql(postgres_app):
    """PostgreSQL checks (event, key) at every row: the keys in flux are moved aside first."""
    contest = open_event(Factory(postgres_app))
    drafts = saved_drafts(postgres_app, contest.event)
    drafts[0], drafts[1] = replace(drafts[0], key="pitch"), replace(drafts[1], key="novelty")
    drafts[4] = replace(drafts[4], id=None, key="effectiveness")  # the pitch, removed and added
    write(postgres_app, save_rubric, contest.event, drafts)
    with postgres_app.app_context(), db.unit_of_work() as session:
        keys = [row.key for row in criteria(session, contest.event.id)]
    assert keys == ["pitch", "novelty", "benefit", "replicability", "effectiveness"]


def test_saving_the_same_rubric_changes_nothing(app, factory):
    contest = open_event(factory)
    saved = write(app, save_rubric, contest.event, saved_drafts(app, contest.event))
    assert not saved.changed
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalars(select(AuditLog)).all() == []


def test_removing_a_criterion_of_the_cascade_takes_it_out_with_a_note(app, factory, judge_client):
    contest = open_event(factory)
    drafts = saved_drafts(app, contest.event)
    benefit = drafts.pop(2)
    drafts[0] = replace(drafts[0], weight=str(20 + 25))
    saved = write(app, save_rubric, contest.event, drafts)
    assert saved.notes == [
        "Tiêu chí “Giá trị làm lợi” đã bị xóa nên không còn trong thứ tự xét khi bằng điểm."
    ]
    with app.app_context(), db.unit_of_work() as session:
        assert session.get(Event, contest.event.id).tie_break == ["effectiveness", "untrimmed_mean"]
        assert session.get(Criterion, benefit.id) is None


def test_invalid_drafts_are_refused_and_nothing_is_written(app, factory):
    contest = open_event(factory)
    drafts = saved_drafts(app, contest.event)
    drafts[0] = replace(drafts[0], weight="50")
    with pytest.raises(Invalid) as refused:
        write(app, save_rubric, contest.event, drafts)
    assert refused.value.details["problems"][0]["field"] == "weights"


def scored_contest(app, factory, client, values):
    """An event whose judge sent a draft sheet with ``values``, then paused for a change."""
    contest = factory.contest()
    judge = factory.judge(contest.event)
    sheet = {"id": str(uuid.uuid4()), "entry": contest.entries[0], "scores": values}
    assert client.post("/api/v1/scoresheets", json=sheet, headers=bearer(judge.token)).is_json
    with factory.writing() as session:
        session.get(Event, contest.event.id).status = EventStatus.OPEN
    return contest


def test_the_first_score_locks_the_rubric_and_keeps_every_score(app, factory, client):
    contest = scored_contest(app, factory, client, {"novelty": 18})
    with app.test_request_context(), db.unit_of_work() as session:
        reason = rubric_lock(session, session.get(Event, contest.event.id))
    assert "Các điểm đã chấm vẫn được giữ nguyên" in reason
    drafts = saved_drafts(app, contest.event)
    with pytest.raises(Conflict):
        write(app, save_rubric, contest.event, drafts)
    with pytest.raises(Conflict):
        write(app, restore_default_rubric, contest.event)
    with app.app_context(), db.unit_of_work() as session:
        assert session.scalar(select(Score.value).where(Score.value.is_not(None))) == 18


def test_a_sheet_with_no_score_yet_does_not_lock_it_and_loses_the_removed_criterion(
    app, factory, client
):
    contest = scored_contest(app, factory, client, {})
    drafts = saved_drafts(app, contest.event)
    drafts[0] = replace(drafts[0], weight="30")  # with the 10% of the pitch, removed
    write(app, save_rubric, contest.event, drafts[:-1])
    with app.app_context(), db.unit_of_work() as session:
        sheet = session.scalars(select(ScoreSheet)).one()
        assert sorted(score.criterion.key for score in sheet.scores) == [
            "benefit",
            "effectiveness",
            "novelty",
            "replicability",
        ]


def test_while_scoring_the_rubric_waits_for_a_pause(app, factory):
    contest = factory.contest()  # scoring, no score yet
    with app.test_request_context(), db.unit_of_work() as session:
        reason = rubric_lock(session, session.get(Event, contest.event.id))
    assert "Tạm dừng chấm điểm" in reason


def test_restoring_the_default_puts_back_domain_md_and_its_cascade(app, factory):
    contest = open_event(factory, criteria=(("safety", 40), ("cost", 60)), tie_break=["cost"])
    write(app, restore_default_rubric, contest.event)
    with app.app_context(), db.unit_of_work() as session:
        rows = criteria(session, contest.event.id)
        assert [r.key for r in rows] == [key for key, *_ in DEFAULT_RUBRIC]
        assert rows[0].levels[0] == {
            "min": 18,
            "max": 20,
            "vi": "Hoàn toàn mới, chưa bộc lộ công khai",
            "en": "Entirely new, never disclosed",
        }
        event = session.get(Event, contest.event.id)
        assert event.tie_break == ["benefit", "effectiveness", "untrimmed_mean"]
        logged = session.scalars(select(AuditLog)).one()
        assert logged.action == "rubric.restored"
        assert [c["key"] for c in logged.before["criteria"]] == ["safety", "cost"]


# --- The pages ----------------------------------------------------------------------------------


def csrf_of(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]


def form_of(page):
    """Every box of the editor's form, as the browser would send it."""
    html = page.get_data(as_text=True)
    form = {"csrf_token": csrf_of(page)}
    for name, value in re.findall(
        r'<input type="(?:text|hidden)" (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"', html
    ):
        form[name] = value.replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'")
    return form


def test_a_viewer_reads_the_rubric_and_may_not_change_it(factory, organiser_client):
    contest = open_event(factory)
    viewer = organiser_client(contest.event, EventRole.VIEWER)
    page = viewer.get(f"/manage/{contest.slug}/rubric")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-testid="read-only"' in html and "Lưu thang điểm" not in html
    assert "Thang điểm</a>" in html  # in the menu
    assert "Giá trị làm lợi → Hiệu quả ứng dụng" in html
    assert (
        viewer.post(
            f"/manage/{contest.slug}/rubric", data={"csrf_token": csrf_of(page)}
        ).status_code
        == 403
    )


def test_a_manager_reads_the_total_fixes_it_and_saves(app, factory, organiser_client):
    contest = open_event(factory)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    page = manager.get(f"/manage/{contest.slug}/rubric")
    form = form_of(page)
    assert form["c0-weight"] == "20" and form["c0-step"] == "0,5"
    form.update({"c0-weight": "25", "action": "save"})
    refused = manager.post(f"/manage/{contest.slug}/rubric", data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "cần đúng 100%: hãy bớt 5%" in html
    assert 'value="25"' in html  # what was typed stays
    form.update({"c4-weight": "5"})
    saved = manager.post(f"/manage/{contest.slug}/rubric", data=form)
    assert saved.status_code == 302
    page = manager.get(f"/manage/{contest.slug}/rubric")
    assert "Đã lưu thang điểm." in page.get_data(as_text=True)
    assert form_of(page)["c4-weight"] == "5"


def test_a_field_at_fault_is_marked_beside_its_box(factory, organiser_client):
    contest = open_event(factory)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    form = form_of(manager.get(f"/manage/{contest.slug}/rubric"))
    form.update({"c1-key": "Hiệu quả", "c1-b1-min": "19", "action": "save"})
    html = manager.post(f"/manage/{contest.slug}/rubric", data=form).get_data(as_text=True)
    assert 'id="c1-key" name="c1-key" value="Hiệu quả"' in html
    assert 'aria-describedby="c1-key-hint c1-key-error" aria-invalid="true"' in html
    assert '<a href="#c1-key">Tiêu chí 2 (Hiệu quả ứng dụng)</a>' in html
    assert 'id="c1-b1-min-error"' in html


def test_adding_a_criterion_changes_the_form_not_the_rubric(app, factory, organiser_client):
    contest = open_event(factory)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    form = form_of(manager.get(f"/manage/{contest.slug}/rubric"))
    page = manager.post(f"/manage/{contest.slug}/rubric", data=form | {"action": "add"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Thay đổi chưa được lưu" in html
    new_key = re.search(r'<input type="text" id="c5-key" [^>]*>', html)[0]
    assert 'value=""' in new_key and "autofocus" in new_key
    assert len(saved_drafts(app, contest.event)) == 5


def test_the_locked_rubric_says_why_and_refuses_every_write(app, factory, client, organiser_client):
    contest = scored_contest(app, factory, client, {"pitch": 9})
    owner = organiser_client(contest.event, EventRole.OWNER)
    page = owner.get(f"/manage/{contest.slug}/rubric")
    html = page.get_data(as_text=True)
    assert "Thang điểm đã khóa." in html and "Sao chép sự kiện này" in html
    assert "Lưu thang điểm" not in html and "Khôi phục thang điểm mặc định" not in html
    token = csrf_of(page)
    form = {"csrf_token": token, "c0-key": "x", "action": "save"}
    assert owner.post(f"/manage/{contest.slug}/rubric", data=form).status_code == 409
    default = owner.post(f"/manage/{contest.slug}/rubric/default", data={"csrf_token": token})
    assert default.status_code == 409
    assert "Thang điểm đã khóa." in default.get_data(as_text=True)


def test_a_manager_restores_the_default(app, factory, organiser_client):
    contest = open_event(factory, criteria=(("safety", 100),))
    manager = organiser_client(contest.event, EventRole.MANAGER)
    page = manager.get(f"/manage/{contest.slug}/rubric")
    answer = manager.post(
        f"/manage/{contest.slug}/rubric/default", data={"csrf_token": csrf_of(page)}
    )
    assert answer.status_code == 302
    assert "Đã khôi phục thang điểm mặc định." in manager.get(answer.location).get_data(
        as_text=True
    )
    assert saved_drafts(app, contest.event)[0].key == "novelty"


def test_the_preview_is_the_judges_sheet_with_nothing_kept_or_sent(factory, organiser_client):
    contest = factory.contest()
    viewer = organiser_client(contest.event, EventRole.VIEWER)
    page = viewer.get(f"/manage/{contest.slug}/rubric/preview")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Thuyết trình và trả lời câu hỏi" in html and "Bài mẫu:" in html
    assert 'data-key="benefit" data-max="25.0" data-step="0.5" data-weight="0.25"' in html
    assert '"preview": true' in html
    assert "outbox-config" not in html and "/api/v1/scoresheets" not in html
    assert 'id="submit" class="button primary big" disabled' in html


@pytest.mark.parametrize(
    "form",
    [
        {"c0-id": "99999999999", "c0-key": "a", "c0-b0-min": "1e5", "action": "save"},
        {"c0-key": "a", "c0-weight": "100", "c0-max_score": "9" * 40, "action": "save"},
        {"c0-key": "a", "action": "add-band-0"},
        {"c0-key": "a", "action": "add-band-7"},
        {"c0-key": "a", "action": "add-band-²"},
        {"c0-key": "a", "action": "remove-band-0-0"},
        {"action": "save"},
        {},
    ],
)
def test_no_form_breaks_the_editor(factory, organiser_client, form):
    contest = open_event(factory)
    manager = organiser_client(contest.event, EventRole.MANAGER)
    token = csrf_of(manager.get(f"/manage/{contest.slug}/rubric"))
    answer = manager.post(f"/manage/{contest.slug}/rubric", data=form | {"csrf_token": token})
    assert answer.status_code in (200, 422)
