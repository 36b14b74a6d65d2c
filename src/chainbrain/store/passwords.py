"""Password policy of the web app's accounts, in one place.

A password must be 10 to 256 characters long, must not be the user name or contain it (case-insensitively;
names shorter than 3 characters are checked for equality only) and must not be a common password: one of
the list below (case-insensitively), a single repeated character, or nothing but one of a few common words
with digits and punctuation around it (``Password2026!``, ``chongqing-123``). Length and a refusal list
are what NIST SP 800-63B (5.1.1.2) asks of memorised secrets; composition rules are deliberately absent.

The public demo passwords are on the list too, so nobody picks one for a real account.
"""

from __future__ import annotations

MIN_LENGTH = 10
MAX_LENGTH = 256

#: common passwords of 10 or more characters (shorter ones fail the length rule already), written down
#: from the usual leaked-password rankings and Chinese favourites (520 = 我爱你, 1314 = 一生一世)
COMMON_PASSWORDS = frozenset(
    """
    1234567890 0123456789 9876543210 0987654321 12345678910 123456789a a123456789 a1234567890
    1234567890a 123456789q q123456789 123456789z 1234567891 1234512345 1122334455 1212121212
    1111122222 1357924680 1qaz2wsx3e 1qaz2wsx3edc 1qaz@wsx3edc zaq12wsxcde zaq1zaq1zaq1 1q2w3e4r5t
    1q2w3e4r5t6y q1w2e3r4t5 q1w2e3r4t5y6 qwertyuiop qwertyuiop1 qwerty1234 qwerty12345 qwerty123456
    asdfghjkl1 asdfghjkl; asdfasdfasdf zxcvbnm123 zxcvbnm1234 qazwsxedc1 qazwsxedcrfv abcdefghij
    abc1234567 abcd123456 abcd1234567 abcde12345 abc123456789 aa12345678 aaa1234567 password12
    password123 password1234 password12345 password2024 password2025 password2026 passw0rd123
    p@ssw0rd123 p@ssword123 iloveyou12 iloveyou123 iloveyou1314 woaini1314 woaini520 woaini5201314
    5201314520 1314520520 5201314000 52013141314 1314521521 7758521521 admin12345 admin123456
    admin@1234 admin@12345 administrator administrator1 welcome123 welcome1234 letmein123
    changeme123 changeme1234 trustno1234 football123 baseball123 superman123 michael123 sunshine123
    princess123 dragon12345 monkey12345 shadow12345 master12345 computer123 internet123 chongqing123
    chongqing2024 chongqing2025 chongqing2026 cq12345678 changan123 chainbrain chainbrain1
    chainbrain123 chainbrain2026 chainbrain-admin chainbrain-analyst chainbrain-changan
    chainbrain-viewer chainbrain-no-such-user
    """.split()
)

#: words that stay too easy to guess with digits or punctuation around them
_COMMON_WORDS = frozenset(
    """
    password passw passwd pass admin administrator root user login welcome letmein changeme iloveyou
    woaini qwerty qwertyuiop asdf asdfgh asdfghjkl zxcvbnm abc abcd abcdef qaz qazwsx qazwsxedc
    chongqing cq chainbrain changan seres analyst viewer enterprise test demo
    """.split()
)


def password_problem(password: str, username: str) -> str | None:
    """Why ``password`` may not be used by ``username`` (zh-CN), or None when it may."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 位（当前 {len(password)} 位）"
    if len(password) > MAX_LENGTH:
        return f"密码不超过 {MAX_LENGTH} 个字符（当前 {len(password)} 个）"
    folded = password.casefold()
    name = username.strip().casefold()
    if name and (folded == name or (len(name) >= 3 and name in folded)):
        return "密码不能是用户名，也不能包含用户名"
    core = "".join(ch for ch in folded if ch.isalpha())
    if folded in COMMON_PASSWORDS or len(set(folded)) == 1 or core in _COMMON_WORDS:
        return "密码过于常见（常用密码表中的密码、单一字符重复、或常用词加数字），请换一个更难猜的密码"
    return None
