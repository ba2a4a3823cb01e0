// The line about a sheet that has not reached the server yet (static/js/lib/trouble.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { troubleLine } from "#lib/trouble.js";

const SENTENCE = "Phiếu của bài “{title}” chưa gửi được sau {attempts} lần thử. Lý do: {reason} Lúc {time}.";
const WORDS = {
  status: "Máy chủ báo lỗi {status}.",
  noAnswer: "Máy chủ không trả lời.",
  signedOut: "Hãy quét lại thẻ giám khảo.",
};
const TRIED_AT = new Date(2026, 11, 5, 9, 7, 3).getTime(); // 09:07:03 on the tablet's clock

function line(retry, values = { title: "Robot kiểm tra cáp" }) {
  return troubleLine(SENTENCE, { attempts: 3, triedAt: TRIED_AT, status: null, message: null, ...retry }, WORDS, "vi-VN", values);
}

test("the server's message is the reason, with the attempts and the latest attempt's time", () => {
  assert.equal(
    line({ status: 500, message: "Đã có lỗi xảy ra. Vui lòng thử lại." }),
    "Phiếu của bài “Robot kiểm tra cáp” chưa gửi được sau 3 lần thử. Lý do: Đã có lỗi xảy ra. " +
      "Vui lòng thử lại. Lúc 09:07:03.",
  );
});

test("without a message, the status; without an answer, say so", () => {
  assert.match(line({ status: 502 }), /Lý do: Máy chủ báo lỗi 502\. Lúc/);
  assert.match(line({}), /Lý do: Máy chủ không trả lời\. Lúc/);
});

test("braces in a title or a message are text, not placeholders", () => {
  const got = line({ message: "{attempts} $& {time}" }, { title: "Bài {reason}" });
  assert.match(got, /^Phiếu của bài “Bài \{reason\}” chưa gửi được sau 3 lần thử\. Lý do: \{attempts\} \$& \{time\} Lúc/);
});

test("a session the server no longer knows (401) tells the judge to scan their card, whatever the server says", () => {
  const got = line({ status: 401, message: "Giám khảo cần mở đường dẫn đăng nhập của mình." });
  assert.match(got, /Lý do: Hãy quét lại thẻ giám khảo\. Lúc/);
});
