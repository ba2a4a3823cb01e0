// What a judge reads about a sheet that could not be sent (static/js/lib/trouble.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { troubleLine } from "#lib/trouble.js";

const SENTENCE = "Sau {attempts} lần thử. Lý do: {reason}";
const WORDS = {
  status: "Máy chủ báo lỗi {status}.",
  noAnswer: "Máy chủ không trả lời.",
  signedOut: "Hãy quét lại thẻ giám khảo.",
};

function line(retry) {
  return troubleLine(SENTENCE, { attempts: 3, triedAt: 0, ...retry }, WORDS, "vi-VN");
}

test("the server's message, else its status, else no answer", () => {
  assert.equal(line({ status: 500, message: "Lỗi máy chủ" }), "Sau 3 lần thử. Lý do: Lỗi máy chủ");
  assert.equal(line({ status: 502, message: null }), "Sau 3 lần thử. Lý do: Máy chủ báo lỗi 502.");
  assert.equal(line({ status: null, message: null }), "Sau 3 lần thử. Lý do: Máy chủ không trả lời.");
});

test("a session the server no longer knows tells the judge to scan their card", () => {
  const retry = { status: 401, message: "Giám khảo cần mở đường dẫn đăng nhập của mình." };
  assert.equal(line(retry), "Sau 3 lần thử. Lý do: Hãy quét lại thẻ giám khảo.");
});
