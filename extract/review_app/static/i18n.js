// Words of the review app: 简体中文 by default, English on request (the choice is kept in localStorage).
"use strict";
const WORDS = {
  zh: {
    title: "extract 审核", login: "登录", name: "审核人", password: "密码", logout: "退出", lang: "English",
    doc: "文件", path: "路径包含", form: "表", field: "字段", reason: "原因", mode: "视图", all: "全部",
    mode_todo: "待审", mode_flagged: "已标记", mode_check: "待复核", mode_done: "已审",
    reason_low: "置信度低", reason_check: "未通过校验", reason_unread: "无法读出", reason_nosource: "无来源单元格",
    reason_flagged: "已标记",
    progress: (p) => `已审 ${p.reviewed}，待审 ${p.pending}（共 ${p.total}）· 标记 ${p.flagged} · 待复核 ${p.to_check} · 阈值 ${p.threshold}`,
    keys: "<kbd>Enter</kbd> 接受/保存 <kbd>Tab</kbd> 下一项 <kbd>Shift+Tab</kbd> 上一项 <kbd>Esc</kbd> 还原输入 " +
      "<kbd>Alt+P</kbd> 整页 <kbd>Alt+F</kbd> 标记 <kbd>Alt+Z</kbd> 撤销上一步",
    empty: "这里没有需要审核的值了。", read: "识别值", raw: "原文（识别出的文字）", confidence: "置信度",
    why: "存疑原因", history: "审核记录", status: "状态", value: "值", accept: "接受", save: "保存",
    flag: "标记待复查", unflag: "取消标记", undo: "撤销上一步", reopen: "重新打开", verify_ok: "复核通过",
    verify_no: "复核不通过", bulk: (n) => `接受当前筛选的全部 ${n} 项`, page_title: "整页（按置信度着色）",
    page: (n) => `第 ${n ?? "?"} 页`, emptyValue: "（空）", confirm: "确认", cancel: "取消",
    bulk_confirm: (n, what) => `确认接受 ${what} 中的 ${n} 项？每一项都会记在你的名下。`,
    hint_money: (u) => `金额按表上印的单位（${u}）填写；写 43938500元 则按元。`,
    hint_text: "长文本：Enter 换行，Ctrl+Enter 保存。", hint: "Enter 保留识别值，或保存你输入的新值。",
    accepted: (k) => `已接受 ${k}`, corrected: (k) => `已更正 ${k}`, undone: (k) => `已撤销 ${k} 的上一步`,
    reopened: (k) => `已重新打开 ${k}`, flagged: (k) => `已标记 ${k}`, unflagged: (k) => `已取消标记 ${k}`,
    verified: (k) => `已复核 ${k}`, bulk_done: (n, s) => `已接受 ${n} 项` + (s ? `，跳过 ${s} 项（他人修改或正在处理）` : ""),
    check_now: (rule, ok) => `校验「${rule}」现在${ok ? "通过" : "不通过"}`, rescored: (n) => `${n} 个相关值重新评分`,
    claimed_by: (n) => `${n} 正在处理此项`, flagged_by: (n) => `${n} 标记待复查`, corrected_by: (n) => `${n} 的更正待复核`,
    nothing_to_undo: "本次没有可撤销的操作", bad_login: "审核人或密码不对",
    changed: "此项刚被他人修改，已重新载入，请按当前值再决定", relogin: "登录已过期，请刷新页面重新登录",
    actions: { accept: "接受", correct: "更正", undo: "撤销", reopen: "重新打开", flag: "标记", unflag: "取消标记", verify: "复核通过" },
    cell: "表格单元",
  },
  en: {
    title: "extract review", login: "Log in", name: "Reviewer", password: "Password", logout: "Log out", lang: "中文",
    doc: "File", path: "Path contains", form: "Form", field: "Field", reason: "Reason", mode: "View", all: "all",
    mode_todo: "To review", mode_flagged: "Flagged", mode_check: "To check", mode_done: "Reviewed",
    reason_low: "low confidence", reason_check: "failed check", reason_unread: "unreadable", reason_nosource: "no source cell",
    reason_flagged: "flagged",
    progress: (p) => `${p.reviewed} reviewed, ${p.pending} to go (of ${p.total}) · ${p.flagged} flagged · ${p.to_check} to check · threshold ${p.threshold}`,
    keys: "<kbd>Enter</kbd> accept / save <kbd>Tab</kbd> next <kbd>Shift+Tab</kbd> previous <kbd>Esc</kbd> reset typing " +
      "<kbd>Alt+P</kbd> whole page <kbd>Alt+F</kbd> flag <kbd>Alt+Z</kbd> undo last",
    empty: "Nothing left to review here.", read: "Read", raw: "Text read", confidence: "Confidence",
    why: "Why doubtful", history: "History", status: "Status", value: "Value", accept: "Accept", save: "Save",
    flag: "Flag for a second look", unflag: "Remove flag", undo: "Undo last", reopen: "Reopen", verify_ok: "Confirm correction",
    verify_no: "Reject correction", bulk: (n) => `Accept all ${n} in this filter`, page_title: "Whole page (cells coloured by confidence)",
    page: (n) => `page ${n ?? "?"}`, emptyValue: "(empty)", confirm: "Confirm", cancel: "Cancel",
    bulk_confirm: (n, what) => `Accept ${n} items of ${what}? Each is recorded under your name.`,
    hint_money: (u) => `Amounts in the form's printed unit (${u}); type 43938500元 for yuan.`,
    hint_text: "Long text: Enter for a new line, Ctrl+Enter saves.", hint: "Enter keeps the value as read, or saves what you typed.",
    accepted: (k) => `Accepted ${k}`, corrected: (k) => `Corrected ${k}`, undone: (k) => `Undid the last step on ${k}`,
    reopened: (k) => `Reopened ${k}`, flagged: (k) => `Flagged ${k}`, unflagged: (k) => `Unflagged ${k}`,
    verified: (k) => `Checked ${k}`, bulk_done: (n, s) => `Accepted ${n}` + (s ? `, skipped ${s} (changed or taken by someone else)` : ""),
    check_now: (rule, ok) => `check ${rule} now ${ok ? "passes" : "fails"}`, rescored: (n) => `${n} related values re-scored`,
    claimed_by: (n) => `${n} is working on this`, flagged_by: (n) => `flagged by ${n}`, corrected_by: (n) => `correction by ${n} waits for a check`,
    nothing_to_undo: "Nothing to undo in this session", bad_login: "Wrong name or password",
    changed: "Someone else changed this meanwhile; reloaded, decide on the current value", relogin: "Session over: reload the page and log in",
    actions: { accept: "accept", correct: "correct", undo: "undo", reopen: "reopen", flag: "flag", unflag: "unflag", verify: "checked" },
    cell: "Table cell",
  },
};
const RULES_ZH = {
  expenditure_equals_income: "支出合计等于收入合计", level_split_equals_development: "市本级与对下转移之和等于其他事业发展性支出",
  tasks_equal_project_expenditure: "任务金额之和等于项目支出", tasks_within_budget: "任务金额不超过预算",
  year_plausible: "年度合理", counts_non_negative: "人数和单位数不为负", amounts_non_negative: "金额不为负",
  task_seq_increasing: "任务序号递增",
};

function reasonText(reason, lang) {
  if (lang === "en") return reason;
  let m;
  if ((m = reason.match(/^low OCR score (.*)$/))) return `OCR 识别分数低 ${m[1]}`;
  if ((m = reason.match(/^low confidence (.*)$/))) return `置信度低 ${m[1]}`;
  if (reason === "no confidence") return "没有置信度";
  if ((m = reason.match(/^failed check (\w+)(?::\s*(.*))?$/))) return `未通过校验「${RULES_ZH[m[1]] || m[1]}」` + (m[2] ? `：${m[2]}` : "");
  if ((m = reason.match(/^could not read a value from (.*)$/))) return `无法从 ${m[1]} 读出数值`;
  if (reason.startsWith("no source cell")) return "没有来源单元格（表中未找到该标签）";
  return reason;
}

function ruleText(rule, lang) { return lang === "en" ? rule : (RULES_ZH[rule] || rule); }
