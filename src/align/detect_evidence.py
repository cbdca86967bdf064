"""Word-level evidence for :mod:`align.detect`: very frequent short words per language (below),
wordfreq's word frequencies, Apertium's morphological lexicons for close groups
(:data:`LEXICONS`, :class:`Lexicon`), and spelling dictionaries for Hindi, Nepali and Marathi
(:data:`SPELLING`, :class:`SpellingLexicon`).

langdetect's profiles stop at 3-grams, so they see ``og`` (Danish and Norwegian
"and") and ``av``/``af`` only as pieces of longer strings, and a short headline
gives close languages nearly the same n-gram score. Whole function words
separate them cheaply: Danish writes *af, efter, mig, nu, hvad, blev*, Bokmål
*av, etter, meg, nå, hva, ble*, Swedish *och, är, inte, att, till*; Croatian
*u, što, tko, više, nije, će*, Slovenian *v, kaj, kdo, več, ni, bo*;
Russian *что, кто, он*, Ukrainian *що, хто, він, і*, Bulgarian *че, той, ще, са*,
Macedonian *дека, што, тој, ќе, во, од, со*; Hindi *है, और, में*, Nepali *छ, र, मा*,
Marathi *आहे, आणि, व*.

The lists were written for this project from each language's closed word classes
(articles, conjunctions, prepositions, pronouns, auxiliaries: the words a
grammar of the language lists first), not taken or tuned from any evaluation
file; every word is spelt with the letters of its language's alphabet in
:data:`align.detect.LETTERS` (a test checks this). Every language of a script
that has lists has one (all 31 Latin, the 4 Cyrillic, the 3 Devanagari
languages of langdetect), so a word shared by several languages (``de``,
``in``, ``и``) gives each of them the same evidence and only words that differ
between neighbours move the answer. Arabic-script languages have no lists and
get no word evidence.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import select
import shutil
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

_WORDS: dict[str, str] = {
    # --- Latin -------------------------------------------------------------------------------
    "af": "die en van in is het nie te wat vir op met dat hy sy ons word was ook aan na om by "
    "as sal kan maar nog deur daar hul hulle jou ek een gaan ná só dit haar my julle jy "
    "oor uit tot teen onder sonder tussen volgens weens tydens binne sedert omdat want terwyl "
    "toe wanneer hom baie nou weer geen wie",
    "ca": "el la els les de del i a en que per amb un una no és al dels es va ha com més però "
    "seu seva aquest aquesta també hi ho li em ens ni fins després",
    "cs": "a v se na je že s z do o to k i jako ale pro po by jsou jsem od za jak tak které "
    "který byl být co už není ve ze při jen než ještě ne si mu ho jeho jsme",
    "cy": "y yr a ac i o yn ar mae ei eu am gan wedi bod ddim fel hyn ond roedd oedd hefyd "
    "gyda ni chi nhw fy dy ein eich r w",
    "da": "og i at det er en et til af på som med den for de har ikke der var sig om men fra "
    "han hun vi kan vil blev efter også nu hvad mig dig jeg være kun hvor skal mod end ud op "
    "meget eller noget siger bare",
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als "
    "auch es an er hat aus bei sie nach wird noch wie einen über so zum um nur aber vor zur "
    "bis mehr durch man sind wir ich war kann dass oder",
    "en": "the of and to in a is that for it as was with on be by he at are this from or "
    "have an they which not but has his her we you after will their been were more can who "
    "new its she says said over how what I",
    "es": "de la que el en y a los del se las por un para con no una su al es lo como más "
    "pero sus le ya o fue este ha sí porque esta son entre cuando muy sin sobre también me "
    "hasta hay donde tras qué cómo",
    "et": "ja on ei et ta see oli ka mis kui ning aga selle seda nii oma siis veel kes mida "
    "või välja üle pärast tema nad mille üks juba pole end kus",
    "fi": "ja on ei että se oli hän ovat mutta kun myös tai joka jo niin kuin sen ole nyt "
    "vain hänen mitä tämä ne sitä jos vielä jälkeen voi olla kaikki yli koko mukaan",
    "fr": "de la le et les des en un du une que est pour qui dans a par plus pas au sur ne "
    "se ce il sont aux avec son sa ses mais elle ou été nous vous ils leur cette après "
    "contre selon",
    "hr": "i je u se na da za su od s o a ne koji što to iz sa kao ali bi će do po biti ili "
    "samo nije kako koja još sve više tko gdje nakon zbog jer bio bila ga mu mi smo ste sam "
    "li kad",
    "hu": "a az és hogy nem is egy meg de van el ki be már csak még mint volt azt ez ha vagy "
    "után kell lesz így sem fel nagy között pedig akkor most mert",
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke ada bisa oleh "
    "karena saat sudah atau telah lebih kami kita mereka dia tersebut bahwa setelah masih "
    "hanya para baru jadi tak agar sebagai bagi seperti belum saya anda",
    "it": "di e il la che in a per un è del della le non i si con una da al dei gli lo come "
    "più ma anche ha alla sono nel nella delle ci questo tra dopo sul suo sua se o ancora "
    "stato essere",
    "lt": "ir kad yra su į iš o bet tai kaip jo jis ji per ne buvo nuo dėl apie už prie jau "
    "tik taip po dar kuris kuri bus arba kai savo mes jie jūs iki tarp net",
    "lv": "un ir ka par no uz ar kas arī bet to tas ne lai tā vai pēc kā jau bija viņš viņa "
    "līdz tikai vēl gan pie kad nav būs savu šo šī mēs kur tad tiek",
    "nb": "og i er det en et til av på som med den for de har ikke at var seg om men fra han "
    "hun vi kan vil ble etter også nå hva meg deg jeg være bare hvor skal mot enn ut opp mye "
    "eller ikkje noe sier kun",
    "nl": "de van het een en in is dat op te zijn voor met die niet aan er om ook als bij of "
    "door maar naar wordt uit nog dan over ze hij zij wij kan zal heeft worden werd was na al "
    "tot haar hun geen wel deze dit wat tegen onder zonder tussen volgens wegens tijdens "
    "binnen sinds omdat want terwijl toen wanneer hem nu weer veel zeer wie",
    "pl": "i w się na z nie do to że jest o jak a po co od za tak ale przez dla już jego czy "
    "tym ma są być tylko jej przy może ten ich oraz lub który która ze we pod gdy także",
    "pt": "de a o que e do da em um para é com não uma os no se na por mais as dos como mas "
    "foi ao ele das tem à seu sua ou ser quando muito há nos já está também após pelo pela "
    "sobre são",
    "ro": "de și în la a cu pe nu din o că se un pentru care mai sunt este al ale lui fost "
    "ca sau după dar au va fi prin acest această cel cea până despre între ce fără",
    "sk": "a v sa na je že s z do o to k aj ako ale pre po by sú som od za tak ktoré ktorý "
    "bol byť čo už nie vo zo pri však alebo len ešte si mu ho jeho sme",
    "sl": "je v in se na da za so od s z o ki ne pa tudi to bi bo kot še ali ter po iz k pri "
    "kar le že sem smo ste kako kdo kaj zaradi več vse samo ni bil bila ga mu mi če ko",
    "so": "iyo ka in ay u oo ku ee waa ah la uu soo wax ayaa ugu kale si wuxuu waxay ma aan "
    "ha leh isaga iyada",
    "sq": "të e në dhe i për me që një nga është se u ka do nuk më si janë ishte por edhe ai "
    "ajo kjo ky pas mbi deri tij saj pa",
    "sv": "och i att det som en är på för med av till den har de inte om ett var han hon men "
    "vi jag sig från kan vill så efter också nu vad mig dig vara bara där ska mot än ut upp "
    "mycket eller när blev då",
    "sw": "na ya wa kwa ni za la katika kama cha hiyo hii huo lakini pia au baada kuwa "
    "alisema sana zaidi bado yake wake hao hakuna ili tu kila hadi",
    "tl": "ang ng sa na mga at ay si ni para hindi siya ito kay pa may din rin ko mo niya nila "
    "kung lang po ba naman kanyang kanilang isang mula dahil pero ano sino kami tayo sila "
    "nang ngayon noong ngunit",
    "tr": "ve bir bu da de için ile çok daha gibi o ne ama en mi olarak sonra kadar var yok "
    "her şey olan değil ise ki göre ya veya büyük yeni",
    "vi": "và của là có các được cho trong không một những người với đã này để khi đến từ ra "
    "năm cũng về sẽ như nhưng vào theo đó tại",
    # --- Cyrillic ----------------------------------------------------------------------------
    "bg": "и в на не за да се от с е са че по как той тя те това който която които но а ще "
    "бе беше към след при до ни ви ги го му или още вече само във със кой къде има няма "
    "много",
    "mk": "и во на не за да се од со е дека по како тој таа тие ова кој која кои но а ќе "
    "беше кон при до ни ви ги го му или уште веќе само има нема многу што ја сѐ сме сте",
    "ru": "и в не на что с по как он это к а из за от о но для так все уже его она они же бы "
    "был было только или после при до мы вы ещё кто где будет может у также её когда если "
    "чтобы очень через снова",
    "uk": "і в у не на що з по як він це до а із за від о але для так все вже його вона вони "
    "ж би був було лише або після при ми ви ще хто де буде може також її коли якщо щоб дуже "
    "та й знову через",
    # --- Devanagari --------------------------------------------------------------------------
    "hi": "के में की है और से को का पर यह ने हैं कि भी एक था थे तो लिए नहीं इस साथ गया कर "
    "होगा हो वह जो बाद अपने किया कहा कुछ ही या",
    "mr": "आणि आहे व या हे की ते होते आहेत मध्ये तर हा ही एक केले असे नाही त्यांनी त्याने "
    "पण काही म्हणून करण्यात सांगितले होता होती झाली आता तो कोण",
    "ne": "र को मा ले छ हो पनि भएको गर्न छन् थियो यो त्यो लागि भने गरेको हुने रहेको उनले "
    "उनी एक तथा यस साथै बताए गर्ने नै होइन के पछि मात्र",
}

#: language -> its very frequent short words (lower case, NFC).
FREQUENT_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in _WORDS.items()
}


# --- word frequencies (wordfreq) -------------------------------------------------------------

_SAME_CODE = (
    "ar bg ca cs da de en es fa fi fr hi hu id it lt lv mk nb nl pl pt ro ru sk sl sv tr uk ur vi"
)
#: edge code -> wordfreq's code, for the profile languages wordfreq has a list for (af cy et mr
#: ne so sq sw have none). ``sh`` is wordfreq's Serbo-Croatian (Croatian, Serbian, Bosnian).
WORDFREQ_CODES: dict[str, str] = {
    **{code: code for code in _SAME_CODE.split()},
    "hr": "sh",
    "tl": "fil",
}
#: Words rarer than this (in centibels: -100 cB = once in 10 words) are left out of the lists:
#: wordfreq's "small" lists stop at -600 cB (once in a million words).
MIN_CENTIBELS = -600


def _wordfreq_data() -> Path:
    """wordfreq's data folder, found without importing the package (find_spec does not run
    a top-level package's ``__init__``)."""
    import importlib.util

    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("wordfreq is not installed (pip install wordfreq)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def word_log_frequencies(lang: str) -> dict[str, float]:
    """Natural log of each word's frequency in ``lang`` (an edge code), from wordfreq's "small"
    list (Wikipedia, subtitles, news, books, web text; words down to one in a million).

    Read straight from the package's data file (one gzipped msgpack list of words per
    centibel of frequency), without importing wordfreq itself (its import pulls in ftfy and
    langcodes, half a second). Empty for a language wordfreq has no list for.
    """
    import gzip
    import math

    import msgpack

    code = WORDFREQ_CODES.get(lang)
    if code is None:
        return {}
    path = _wordfreq_data() / f"small_{code}.msgpack.gz"
    packed = msgpack.unpackb(gzip.decompress(path.read_bytes()), raw=False)
    header, buckets = packed[0], packed[1:]
    if header.get("format") != "cB":
        raise ValueError(f"unexpected wordfreq data format in {path}: {header}")
    scale = math.log(10) / 100  # centibels -> nats
    out: dict[str, float] = {}
    for i, words in enumerate(buckets[: -MIN_CENTIBELS + 1]):
        for word in words:
            out.setdefault(word, -i * scale)
    return out


# --- morphological lexicons (Apertium) --------------------------------------------------------

#: edge code -> (Apertium package, compiled analyser in it), for groups of close languages
#: where the n-grams and wordfreq's lists leave errors (docs/detect.md, step 9b): Afrikaans,
#: which has no list, against Dutch; Danish against Bokmål; Croatian against Slovenian; the
#: four Cyrillic languages; Spanish against Portuguese; Swedish against both of its
#: neighbours. Each group's analysers come from one kind of source — the two sides of one
#: Apertium pair (afr-nld, dan-nor, hbs-slv, es-pt; mkd-bul and rus-ukr for the Cyrillic four;
#: Swedish from swe-nor, the Scandinavian pair its analyser is largest in) — so coverage
#: favours none of them much. ``make apertium`` installs the packages.
LEXICONS: dict[str, tuple[str, str]] = {
    "af": ("apertium-afr-nld", "afr-nld.automorf.bin"),
    "nl": ("apertium-afr-nld", "nld-afr.automorf.bin"),
    "da": ("apertium-dan-nor", "dan-nob.automorf.bin"),
    "nb": ("apertium-dan-nor", "nob-dan.automorf.bin"),
    "hr": ("apertium-hbs-slv", "hbs-slv.automorf.bin"),
    "sl": ("apertium-hbs-slv", "slv-hbs.automorf.bin"),
    "mk": ("apertium-mkd-bul", "mkd-bul.automorf.bin"),
    "bg": ("apertium-mkd-bul", "bul-mkd.automorf.bin"),
    "ru": ("apertium-rus-ukr", "rus-ukr.automorf.bin"),
    "uk": ("apertium-rus-ukr", "ukr-rus.automorf.bin"),
    "sv": ("apertium-swe-nor", "swe-nob.automorf.bin"),
    "es": ("apertium-es-pt", "es-pt.automorf.bin"),
    "pt": ("apertium-es-pt", "pt-es.automorf.bin"),
    # Icelandic has no langdetect profile: its analyser confirms a unit that writes þ or ð
    # (align.detect._icelandic), instead of weighing it against a neighbour's.
    "is": ("apertium-isl-eng", "isl-eng.automorf.bin"),
}
#: The analysers read with compounds decomposed (``lt-proc -e``): Danish, Bokmål, Swedish,
#: Dutch and Afrikaans write their long words as compounds (``ophavsretsnotits``,
#: ``posisjonsdetaljer``, ``felmeddelandet``, ``bestandnaam``), and the analysers of
#: apertium-dan-nor, apertium-swe-nor and apertium-afr-nld decompose them. The other
#: analysers hold no compound marks (``-e`` would change nothing).
COMPOUNDS = frozenset({"da", "nb", "sv", "af", "nl"})
# The self-check words of a lexicon whose language has no list of frequent words above.
_PROBE_WORDS: dict[str, tuple[str, ...]] = {
    "is": ("og", "að", "er", "í", "á", "það", "sem", "ekki", "við", "hann", "hún", "til"),
}
LT_PROC = "lt-proc"
_ANALYSIS = re.compile(r"\^([^/$]*)/([^$]*)\$")
_LEXICON_CACHE = 200_000  # words remembered per lexicon
_ANSWER_SECONDS = 10.0  # an analyser silent this long is switched off


def _apertium_datadir() -> Path | None:
    """Where Apertium's pairs are (``$APERTIUM_DATADIR``, or beside ``lt-proc``)."""
    datadir = os.environ.get("APERTIUM_DATADIR")
    if datadir:
        return Path(datadir)
    exe = shutil.which(LT_PROC)
    return None if exe is None else Path(exe).resolve().parent.parent / "share" / "apertium"


class _Lexicon:
    """What both kinds of lexicon share: the self-check words, the switch-off flag, the
    per-word cache and the lock :func:`known_by` holds while it asks. A subclass answers in
    two halves, :meth:`_begin` (send the request, or check) and :meth:`_end` (read it), so
    that several lexicons work on one unit at the same time."""

    def __init__(self, probe: Sequence[str]) -> None:
        self._probe = list(probe)
        self._broken = False
        self._cache: dict[str, bool] = {}
        self._lock = threading.Lock()

    def _begin(self, words: Sequence[str]) -> list[str] | None:
        raise NotImplementedError

    def _end(self, words: Sequence[str], asked: list[str] | None) -> list[bool] | None:
        raise NotImplementedError

    def known(self, words: Sequence[str]) -> list[bool] | None:
        """For each word (letters only, lower case): does the lexicon know it?"""
        return known_by([self], words)[0]

    def close(self) -> None:
        """Let go of what the lexicon holds outside this process (nothing, by default)."""


class Lexicon(_Lexicon):
    """Which words a compiled Apertium analyser knows, asked of one ``lt-proc -z`` process.

    The process is started on first use and kept (a unit's new words in one request, flushed
    by a NUL; each word is asked once per process). It is never a reason for detection to
    fail: if it cannot be started or dies, :meth:`known` returns ``None`` from then on and
    the caller goes without this evidence (a word it cuts into several tokens, or answers
    unreadably, counts as known: no evidence against the language). So does an
    analyser that knows fewer than half of ``probe`` (the language's commonest words): a
    damaged file reads as an empty dictionary, which would count every word against its
    language.
    """

    def __init__(self, path: Path, probe: Sequence[str] = (), compounds: bool = False) -> None:
        super().__init__(probe)
        self.path = path
        self._flags = ["-z", "-e"] if compounds else ["-z"]
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid = 0
        self._unsent = memoryview(b"")  # the part of the request not yet in the pipe

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._pid != os.getpid():  # a forked child starts its own
            self._proc = subprocess.Popen(
                [LT_PROC, *self._flags, str(self.path)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            assert self._proc.stdin is not None
            # Written without blocking: a request longer than the pipe holds is fed in
            # while its answer is read (lt-proc stops reading when nobody reads its output).
            os.set_blocking(self._proc.stdin.fileno(), False)
            self._pid = os.getpid()
            self._unsent = memoryview(b"")
            atexit.register(self.close)
        return self._proc

    def _write_some(self) -> None:
        """As much of the request as the pipe takes now."""
        assert self._proc is not None and self._proc.stdin is not None
        while self._unsent:
            try:
                written = os.write(self._proc.stdin.fileno(), self._unsent)
            except BlockingIOError:
                return
            self._unsent = self._unsent[written:]

    def _send(self, text: str) -> None:
        """Start a request: what the pipe takes is written now, the rest by :meth:`_receive`."""
        self._start()
        self._unsent = memoryview(text.encode("utf-8") + b"\0")
        self._write_some()

    def _receive(self) -> list[tuple[str, str]]:
        """(surface form, analyses) of each token lt-proc read in the request sent."""
        proc = self._proc
        assert proc is not None and proc.stdout is not None and proc.stdin is not None
        buf = b""
        while not buf.endswith(b"\0"):
            writing = [proc.stdin] if self._unsent else []
            ready, can_write, _ = select.select([proc.stdout], writing, [], _ANSWER_SECONDS)
            if not ready and not can_write:  # an lt-proc that does not answer must not hang
                raise OSError(f"{LT_PROC} gave no answer in {_ANSWER_SECONDS} s")
            if can_write:
                self._write_some()
            if not ready:
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                raise OSError(f"{LT_PROC} ended")
            buf += chunk
        return _ANALYSIS.findall(buf[:-1].decode("utf-8", "replace"))

    def _request(self, text: str) -> list[tuple[str, str]]:
        """(surface form, analyses) of each token lt-proc reads in ``text``."""
        self._send(text)
        return self._receive()

    @staticmethod
    def _joined(words: Sequence[str]) -> str:
        # Full stops keep the words apart: no multiword entry spans one.
        return " . ".join(words)

    def _lined_up(self, words: Sequence[str], answer: list[tuple[str, str]]) -> list[bool]:
        """Known or not, per word, from the answer to :meth:`_joined` ``words``; word by
        word when the answer does not line up with the words."""
        tokens = [t for t in answer if t[0] != "."]
        if [surface for surface, _ in tokens] == list(words):
            return [not analyses.startswith("*") for _, analyses in tokens]
        out = []
        for word in words:
            single = self._request(word)
            # Cut into several tokens, or unreadable: no evidence either way.
            out.append(len(single) != 1 or not single[0][1].startswith("*"))
        return out

    def _ask(self, words: Sequence[str]) -> list[bool]:
        """Known or not, for words not yet asked: one request for all of them."""
        return self._lined_up(words, self._request(self._joined(words)))

    def _fail(self) -> None:
        self._broken = True
        self.close()

    def _begin(self, words: Sequence[str]) -> list[str] | None:
        """First half of :meth:`known` (the lock held): the probe at first use, then the
        request for the words not in the cache, sent and not waited for (what the pipe does
        not take yet is written while the answer is read). Returns the words asked, or
        ``None`` when the analyser is (or now is) switched off."""
        if self._broken:
            return None
        try:
            if self._probe:
                probe, self._probe = self._probe, []
                if 2 * sum(self._ask(probe)) < len(probe):
                    raise ValueError(f"{self.path} knows too few of its language's words")
            new = [w for w in dict.fromkeys(words) if w not in self._cache]
            if new:
                self._send(self._joined(new))
            return new
        except (OSError, ValueError):
            self._fail()
            return None

    def _end(self, words: Sequence[str], asked: list[str] | None) -> list[bool] | None:
        """Second half of :meth:`known`: the answer to :meth:`_begin`'s request for ``asked``."""
        if asked is None:
            return None
        try:
            answers: dict[str, bool] = {}
            if asked:
                found = self._lined_up(asked, self._receive())
                answers = dict(zip(asked, found, strict=True))
                if len(self._cache) < _LEXICON_CACHE:
                    self._cache.update(answers)
            return [self._cache[w] if w in self._cache else answers[w] for w in words]
        except (OSError, ValueError):
            self._fail()
            return None

    def close(self) -> None:
        """End the process. It holds nothing to save, so it is not waited for long: a child
        forked from this process keeps the pipe open and lt-proc would never see its end."""
        proc, self._proc = self._proc, None
        if proc is not None and self._pid == os.getpid():
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                if proc.stdin is not None:
                    proc.stdin.close()
                proc.wait(timeout=0.2)
            if proc.poll() is None:
                proc.kill()
                with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                    proc.wait(timeout=1)


def known_by(lexicons: Sequence[_Lexicon], words: Sequence[str]) -> list[list[bool] | None]:
    """:meth:`_Lexicon.known` of ``words`` for each lexicon, the requests to all of them sent
    before any answer is read, so that the analysers work at the same time (the four
    Cyrillic ones for one unit, on two cores)."""
    unique = list(dict.fromkeys(lexicons))  # one request per process at a time
    with contextlib.ExitStack() as held:
        for lex in sorted(unique, key=id):  # one order, whatever the caller's
            held.enter_context(lex._lock)
        asked: list[list[str] | None] = []
        try:
            for lex in unique:
                asked.append(lex._begin(words))
            answers = {lex: lex._end(words, a) for lex, a in zip(unique, asked, strict=True)}
        except BaseException:
            # An answer left unread would be read as the next request's: start afresh.
            for lex in unique:
                lex.close()
            raise
    return [answers[lex] for lex in lexicons]


# --- spelling dictionaries (hunspell, aspell) for Hindi, Nepali, Marathi -----------------------

#: edge code -> (Debian package, dictionary), for the Devanagari group, where no Apertium pair
#: has an analyser for Nepali or Marathi and wordfreq has a list only for Hindi: hunspell's
#: Hindi and Nepali dictionaries (both from LibreOffice's dictionaries; read with spylls, a
#: pure-Python hunspell, since the hunspell program cuts Devanagari words at their vowel
#: signs) and aspell's Marathi word list (``aspell dump master``). ``make apertium`` installs
#: the packages.
SPELLING: dict[str, tuple[str, str, str]] = {
    "hi": ("hunspell-hi", "hunspell", "/usr/share/hunspell/hi_IN"),
    "ne": ("hunspell-ne", "hunspell", "/usr/share/hunspell/ne_NP"),
    "mr": ("aspell-mr", "aspell", "mr"),
}
ASPELL = "aspell"
_JOINERS = str.maketrans("", "", "\u200c\u200d")  # ZWNJ/ZWJ: the detector reads letters only


class SpellingLexicon(_Lexicon):
    """Which words a spelling dictionary knows, asked in memory: nothing to send, so
    :meth:`_begin` only checks and :meth:`_end` looks up.

    ``kind`` ``hunspell``: ``where`` is the dictionary's path without ``.dic``/``.aff``
    (looked up with spylls, affixes applied); ``aspell``: ``where`` is the language (its
    master word list, as a set). Read on first use; a dictionary that cannot be read, or
    knows fewer than half of ``probe``, is switched off (:meth:`known` returns ``None``),
    never an error.
    """

    def __init__(self, kind: str, where: str, probe: Sequence[str] = ()) -> None:
        super().__init__(probe)
        self.kind = kind
        self.where = where
        self._lookup: Callable[[str], bool] | None = None

    def _load(self) -> Callable[[str], bool]:
        if self.kind == "hunspell":
            from spylls.hunspell import Dictionary

            dictionary = Dictionary.from_files(self.where)
            return lambda word: bool(dictionary.lookup(word))
        if self.kind == "aspell":
            exe = shutil.which(ASPELL)
            if exe is None:
                raise OSError(f"{ASPELL} is not installed")
            dumped = subprocess.run(
                [exe, "-l", self.where, "dump", "master"],
                capture_output=True,
                timeout=_ANSWER_SECONDS,
                check=True,
            ).stdout.decode("utf-8", "replace")
            words = frozenset(w.translate(_JOINERS) for w in dumped.split())
            return words.__contains__
        raise ValueError(f"unknown kind of spelling dictionary: {self.kind}")

    def _begin(self, words: Sequence[str]) -> list[str] | None:
        if self._broken:
            return None
        if self._lookup is None:
            try:
                lookup = self._load()
                probe, self._probe = self._probe, []
                if 2 * sum(map(lookup, probe)) < len(probe):
                    raise ValueError(f"{self.where} knows too few of its language's words")
            except Exception:  # a missing module, file or word list: go without, never fail
                self._broken = True
                return None
            self._lookup = lookup
        return list(words)

    def _end(self, words: Sequence[str], asked: list[str] | None) -> list[bool] | None:
        if asked is None or self._lookup is None:
            return None
        out = []
        for word in words:
            known = self._cache.get(word)
            if known is None:
                known = self._lookup(word)
                if len(self._cache) < _LEXICON_CACHE:
                    self._cache[word] = known
            out.append(known)
        return out


_lexicons: dict[str, Lexicon | SpellingLexicon | None] = {}


def lexicon(lang: str) -> Lexicon | SpellingLexicon | None:
    """The lexicon of ``lang`` (an edge code: Apertium's analyser, or for hi, ne, mr a
    spelling dictionary), or ``None`` when it has none here."""
    if lang not in _lexicons:
        found: Lexicon | SpellingLexicon | None = None
        probe = sorted(FREQUENT_WORDS.get(lang) or _PROBE_WORDS.get(lang, ()))[:20]
        entry = LEXICONS.get(lang)
        spelling = SPELLING.get(lang)
        if spelling is not None:
            _, kind, where = spelling
            here = shutil.which(ASPELL) if kind == "aspell" else Path(where + ".dic").is_file()
            if here:
                found = SpellingLexicon(kind, where, probe=probe)
        datadir = _apertium_datadir() if entry else None
        if entry and datadir is not None and shutil.which(LT_PROC):
            path = datadir / entry[0] / entry[1]
            if path.is_file():
                found = Lexicon(path, probe=probe, compounds=lang in COMPOUNDS)
        _lexicons[lang] = found
    return _lexicons[lang]
