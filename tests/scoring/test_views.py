import uuid


def test_a_magic_link_signs_the_tablet_in_and_drops_the_token(client, demo):
    judge, token = demo.judge_tokens[2]
    response = client.get(f"/j/{token}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/judge"
    page = client.get("/judge").get_data(as_text=True)
    assert judge.name in page
    assert token not in page
    assert f"0/{len(demo.entries)}" in page


def test_a_wrong_link_explains_what_to_do(client, demo):
    response = client.get("/j/sai-ma")
    assert response.status_code == 404
    assert "Ban Tổ chức" in response.get_data(as_text=True)


def test_judge_pages_need_the_link_first(client, demo):
    response = client.get("/judge")
    assert response.status_code == 401
    assert "thẻ giám khảo" in response.get_data(as_text=True)


def test_recused_entries_are_shown_but_not_counted(client, demo):
    _judge, token = demo.judge_tokens[1]  # Công ty Điện lực Quảng Nam has two entries
    client.get(f"/j/{token}")
    page = client.get("/judge").get_data(as_text=True)
    assert f"0/{len(demo.entries) - 2}" in page
    assert page.count("cùng đơn vị") == 2


def test_progress_counts_submitted_sheets(client, demo):
    _judge, token = demo.judge_tokens[2]
    client.post(
        "/api/v1/scoresheets",
        json={
            "id": str(uuid.uuid4()),
            "entry": demo.entries[0].id,
            "submit": True,
            "scores": {
                "novelty": 1,
                "effectiveness": 1,
                "benefit": 1,
                "replicability": 1,
                "pitch": 1,
            },
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    client.get(f"/j/{token}")
    page = client.get("/judge").get_data(as_text=True)
    assert f"1/{len(demo.entries)}" in page
    assert "Đã gửi" in page


def test_the_sheet_shows_every_criterion_with_its_bands(client, demo):
    _, token = demo.judge_tokens[2]
    client.get(f"/j/{token}")
    page = client.get(f"/judge/entries/{demo.entries[0].id}").get_data(as_text=True)
    for name in (
        "Tính mới, tính sáng tạo",
        "Hiệu quả ứng dụng",
        "Giá trị làm lợi",
        "Khả năng nhân rộng",
        "Thuyết trình và trả lời câu hỏi",
    ):
        assert name in page
    assert "Hoàn toàn mới, chưa bộc lộ công khai" in page
    assert f"Bài 1/{len(demo.entries)}" in page
    assert "Gửi phiếu chấm" in page


def test_a_sheet_page_for_an_unknown_entry_is_a_404(client, demo):
    _, token = demo.judge_tokens[2]
    client.get(f"/j/{token}")
    assert client.get("/judge/entries/999999").status_code == 404


def test_the_default_recusal_reason_is_in_the_judges_language(client, demo):
    _, token = demo.judge_tokens[1]
    client.get(f"/j/{token}")
    client.get("/lang/en")
    page = client.get("/judge").get_data(as_text=True)
    assert page.count("Not yours to score: same unit as the authors") == 2
