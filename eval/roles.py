"""How often speaker roles are inferred right (no hints), on the dev calls and on synthetic calls.

    python -m eval.roles [--synthetic N] [--seed S] [--json] [--show]
    python -m eval.roles --bench      # seconds for roles on a 6,000-word call

Role errors are costly (a vendor labelled customer lets vendor words pass as the customer's;
a customer labelled vendor hides their answers), so this counts both kinds apart. The held-out
calls are never read here: they stay a test of generality.

The synthetic calls vary what broke inference before: vendor speaks first or second, one or two
vendor people (a CSM plus a solutions engineer, who may say only a line or two), one to three
customers, a customer who asks many questions, a vendor who says "we" a lot, and how speakers
are labelled (names, `Name (Company)`, `Name (email)`, generic `Speaker N`).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

CALLS = Path(__file__).resolve().parent / "calls"

VENDORS = ["Ledgerline", "Fieldline", "Tidepool", "Brightdesk", "Rosterly", "Claimwise", "Stackmint", "Orbitly", "Helixa", "Northbeam"]
CUSTOMERS = ["Acme Freight", "Harbor Foods", "Meridian Mutual", "Kestrel Logistics", "Bluewater Retail", "Granite Builders", "Oakridge College", "Pinecrest Health"]
FIRST = ["Sam", "Dana", "Priya", "Marcus", "Lena", "Omar", "Grace", "Ben", "Chloe", "Vikram", "Ana", "Tom", "Rachel", "Liam", "Kasia",
         "Nadia", "James", "Sofia", "Raj", "Derek", "Amara", "Kevin", "Elena", "Mike", "Harriet", "Jonas", "Mei", "Luis", "Fatima", "Owen"]
LAST = ["Ortiz", "Reyes", "Shah", "Green", "Park", "Haddad", "Liu", "Alvarez", "Dupont", "Iyer", "Folau", "Becker", "Okafor", "Nowak",
        "Petrova", "Mendes", "Patel", "Hollis", "Osei", "Tran", "Vasquez", "Lindqvist", "Berg", "Chen", "Santos", "Khan", "Evans"]

# ---- what each kind of person says ({P} product, {c} a customer's first name, {v2} the second vendor)
LEAD_OPEN = [
    "Hi {c}, thanks for making the time today. Can you hear me okay?",
    "Good morning everyone, thanks for joining.",
    "Hello, hello. I think we have everyone now.",
    "Thanks for jumping on, {c}. I know the week is busy.",
]
LEAD_AGENDA = [
    "So today I'd like to understand what you want to achieve with {P}, so the rollout is built around that.",
    "Quick agenda: your goals first, then the timeline, and who does what on each side.",
    "I read the notes from the sales calls, but I'd love to hear it in your own words.",
    "This isn't a demo, I promise. It's about what a good year looks like for you.",
]
GOAL_Q = [
    "If it's a year from now and this went really well, what happened?",
    "What does success look like for you by the end of the contract?",
    "Picture twelve months from now. What would make you say {P} was worth it?",
    "What would you want to be able to tell your boss at renewal time?",
    "Let's start big picture. Why now, and what has to change?",
]
MEASURE_Q = [
    "How will you know it's working?",
    "What number would move if this works?",
    "Is that something you already track today?",
    "And how would you measure that?",
    "What does the dashboard look like when things are good?",
]
IMPEDIMENT_Q = [
    "What could get in the way?",
    "What worries you most about the rollout?",
    "Anything on your side that could slow this down?",
    "What went wrong the last time you tried something like this?",
]
REFLECT = [
    "Got it. So faster invoicing, and fewer errors along the way.",
    "That makes a lot of sense.",
    "Okay, that's really helpful.",
    "Right, so the real pain is the rework, not the software.",
    "Understood. Let me make sure I write that down properly.",
    "Ha, I hear that a lot.",
]
LEAD_PRODUCT = [
    "Our implementation team usually has the connector live in about six weeks.",
    "We can set up the dashboards so your managers see that number every week.",
    "Most of our customers start with one region and then roll out the rest.",
    "On our side, you'll have me as your main contact plus a support queue.",
    "The customers who get the most out of {P} usually name one internal owner early.",
]
WE_HEAVY = [
    "We need to get the data mapping done early, and we want your admins trained before go-live.",
    "We have to make sure we hit the March date, so we'll run training in short blocks.",
    "We track adoption on our end, but we want to measure what you measure.",
    "We really want this to stick, so we'll check in every two weeks at the start.",
    "We spend a lot of time on the first month, because that's where we lose people.",
]
LEAD_CLOSE = [
    "Great. I'll send a draft plan by Friday and we'll review it together in a month.",
    "Let's put a review in the calendar every quarter. I'll send the invite.",
    "Thanks so much. I'll write this up and share it before our next call.",
]
INTRO_V2 = [
    "I've brought {v2}, our solutions engineer, who'll handle the technical side.",
    "I've got {v2} with me, {v2} leads our implementation team.",
    "{v2} from our onboarding team is joining us too.",
    "Joining me today is {v2}, one of our integration engineers.",
]
V2_SELF = [
    "Hi everyone, I'm {v2}, the solutions engineer on the {P} side.",
    "Hi all, {v2} here from {P}. I'll be doing the technical setup with your team.",
    "Hello, good to meet you all.",
    "Hi everyone. Good to meet you.",
]
V2_TECH = [
    "Yes, we support single sign-on through Okta and Azure AD.",
    "Our API has webhooks for that, so you don't need to poll anything.",
    "We integrate with NetSuite natively, and the field mapping usually takes a couple of days.",
    "That's on our roadmap for the second half of the year.",
    "Typically the data migration runs over a weekend, and we do a test load first.",
    "You can export everything to CSV or pull it through the reporting API.",
    "The connector syncs every fifteen minutes by default, and you can change that.",
    "Good question. We'd set up a sandbox for your team first so nothing touches production.",
]
CUST_HELLO = [
    "Hi, yes, I can hear you fine.",
    "Morning. Sorry I'm a couple of minutes late, we had a truck stuck at the terminal.",
    "Sounds good to me.",
    "Yeah, I'm here. It's a bit noisy on site, sorry.",
    "Hi! Sorry, my laptop decided to update itself just now.",
]
CUST_GOAL = [
    "Honestly, success is that we invoice within two days of delivery instead of nine.",
    "For me it's that my nurses stop picking up double shifts every weekend.",
    "We want every new hire doing real work in their first week, not sitting in training.",
    "The big thing is that we stop losing donors after their first gift.",
    "Success would be that our customers stop sending us formal complaints for defects we should have caught.",
    "I want my team to stop re-keying the same data into three systems.",
]
CUST_MEASURE = [
    "Days sales outstanding is 52 days today and the board wants it under 40.",
    "Our controller tracks the error rate every month. It's about 6% now and I want it under 2%.",
    "We measure time to first ticket for new joiners. Right now it's three weeks.",
    "Overtime is running at about 14 percent of hours and the CFO watches that number.",
    "Repeat donors are 31% of first-time donors. I'd like that closer to half.",
]
CUST_IMPEDIMENT = [
    "Our IT team is tied up with a warehouse migration until March.",
    "My clerks are stretched at quarter close, so nothing can happen in the last week of a month.",
    "Honestly, the managers might not trust the numbers at first.",
    "We have a hiring freeze, so nobody new is going to own this.",
    "Our data is a mess. Half of it lives in spreadsheets on people's laptops.",
]
CUST_STATE = [
    "Right now we use spreadsheets and a lot of email.",
    "We currently use Salesforce for the pipeline and Excel for everything else.",
    "Our team is four people covering three countries.",
    "I run finance operations, so billing and collections sit with my team.",
    "I look after IT, so anything that touches our systems goes through me.",
]
CUST_Q = [
    "Does it integrate with Salesforce?",
    "How long does the implementation usually take?",
    "Can we export our data if we ever leave?",
    "What do your other customers do about training?",
    "Is there an API we could use for our own reports?",
    "Who would our main contact be on your side?",
    "How much of the setup do you do, and how much falls on us?",
    "What happens to our historical data?",
    "Does it work with single sign-on?",
]
CUST_ACK = ["Okay, good.", "That works for us.", "Yeah, that makes sense.", "Perfect.", "Mm-hm."]


@dataclass
class Case:
    name: str
    text: str
    vendors: list[str]
    customers: list[str]
    tags: list[str] = field(default_factory=list)


def synthetic_call(rng: random.Random, **force) -> Case:
    """One random call; keyword arguments pin a variation (vendor_first, n_vendors, n_customers,
    quiet, asking, we_heavy, labels)."""
    opt = {
        "vendor_first": rng.random() < 0.5,
        "n_vendors": rng.choice([1, 2, 2]),
        "n_customers": rng.choice([1, 2, 3]),
        "quiet": rng.random() < 0.5,
        "asking": rng.random() < 0.35,
        "we_heavy": rng.random() < 0.35,
        "labels": rng.choice(["names", "names", "company", "email", "generic"]),
    }
    opt.update(force)
    product, customer_co = rng.choice(VENDORS), rng.choice(CUSTOMERS)
    people = rng.sample([f"{f} {l}" for f in FIRST for l in LAST], 40)
    seen: set[str] = set()
    firsts = []
    for p in people:  # distinct first names so "I've brought Sam" is unambiguous
        if p.split()[0] not in seen:
            seen.add(p.split()[0])
            firsts.append(p)
    vend = firsts[: opt["n_vendors"]]
    cust = firsts[opt["n_vendors"] : opt["n_vendors"] + opt["n_customers"]]
    lead, v2 = vend[0], (vend[1] if len(vend) > 1 else None)
    asker = rng.choice(cust) if opt["asking"] else None
    first = lambda p: p.split()[0]  # noqa: E731
    fill = lambda s: s.format(P=product, c=first(rng.choice(cust)), v2=first(v2) if v2 else "")  # noqa: E731
    lines: list[tuple[str, str]] = []
    say = lambda who, pool: lines.append((who, fill(rng.choice(pool))))  # noqa: E731

    if opt["vendor_first"]:
        say(lead, LEAD_OPEN)
        say(cust[0], CUST_HELLO)
    else:
        say(cust[0], CUST_HELLO + ["Hi {P} folks, thanks for setting this up."])
        say(lead, LEAD_OPEN)
    if v2:
        if rng.random() < 0.6:
            say(lead, INTRO_V2)
        say(v2, V2_SELF)
    for c in cust[1:]:
        say(c, CUST_HELLO)
    say(lead, LEAD_AGENDA)
    say(cust[0], CUST_ACK)
    v2_budget = 1 if opt["quiet"] else rng.randint(3, 6)
    for topic_q, answers in ((GOAL_Q, CUST_GOAL), (MEASURE_Q, CUST_MEASURE), (IMPEDIMENT_Q, CUST_IMPEDIMENT)):
        say(lead, topic_q)
        for c in rng.sample(cust, rng.randint(1, len(cust))):
            say(c, answers)
            if rng.random() < 0.4:
                say(c, CUST_STATE)
        if rng.random() < 0.5:
            say(lead, REFLECT)
        if opt["we_heavy"]:
            say(lead, WE_HEAVY)
        asks = [asker] if asker else []
        if rng.random() < 0.4:
            asks.append(rng.choice(cust))
        for a in asks:
            say(a, CUST_Q)
            if v2 and v2_budget > 0 and rng.random() < 0.8:
                say(v2, V2_TECH)
                v2_budget -= 1
            else:
                say(lead, LEAD_PRODUCT)
            say(a, CUST_ACK)
        if asker:
            say(asker, CUST_Q)
            say(lead, LEAD_PRODUCT)
    if opt["we_heavy"]:
        say(lead, WE_HEAVY)
    if v2 and v2_budget > 1:
        say(v2, V2_TECH)
    say(lead, LEAD_PRODUCT)
    say(rng.choice(cust), CUST_ACK)
    say(lead, LEAD_CLOSE)
    say(cust[0], CUST_ACK)

    order = list(dict.fromkeys(who for who, _ in lines))
    company = {p: product for p in vend} | {p: customer_co for p in cust}
    domain = lambda co: co.split()[0].lower() + ".com"  # noqa: E731
    label = {
        "names": {p: p for p in order},
        "company": {p: f"{p} ({company[p]})" for p in order},
        "email": {p: f"{p} ({first(p).lower()}@{domain(company[p])})" for p in order},
        "generic": {p: f"Speaker {i + 1}" for i, p in enumerate(order)},
    }[opt["labels"]]
    text = "\n".join(f"{label[who]}: {line}" for who, line in lines) + "\n"
    tags = [k if v is True else f"{k}={v}" for k, v in opt.items() if v is not False]
    return Case(name="synthetic", text=text, vendors=[label[p] for p in vend], customers=[label[p] for p in cust], tags=tags)


def synthetic_calls(n: int = 200, seed: int = 7) -> list[Case]:
    rng = random.Random(seed)
    return [synthetic_call(rng) for _ in range(n)]


def dev_cases() -> list[Case]:
    out = []
    for gold_path in sorted((CALLS / "dev").glob("*/gold.json")):
        gold = json.loads(gold_path.read_text())
        (transcript,) = [p for p in gold_path.parent.iterdir() if p.name.startswith("transcript.")]
        out.append(Case(gold_path.parent.name, str(transcript), gold["vendor_speakers"], gold["customer_speakers"]))
    return out


@dataclass
class Tally:
    speakers: int = 0
    right: int = 0
    calls: int = 0
    calls_right: int = 0
    vendor_as_customer: int = 0
    customer_as_vendor: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, case: Case, roles: dict[str, str]) -> None:
        self.calls += 1
        wrong = []
        for name, want in [(n, "vendor") for n in case.vendors] + [(n, "customer") for n in case.customers]:
            self.speakers += 1
            got = roles.get(name, "missing")
            if got == want:
                self.right += 1
            else:
                wrong.append(f"{name}: {want} as {got}")
                self.vendor_as_customer += want == "vendor"
                self.customer_as_vendor += want == "customer"
        self.calls_right += not wrong
        if wrong:
            self.misses.append(f"{case.name} [{', '.join(case.tags)}]: {'; '.join(wrong)}")

    def summary(self) -> dict:
        return {
            "speakers": self.speakers,
            "speaker_accuracy": round(self.right / max(self.speakers, 1), 3),
            "calls": self.calls,
            "calls_all_right": round(self.calls_right / max(self.calls, 1), 3),
            "vendor_as_customer": self.vendor_as_customer,
            "customer_as_vendor": self.customer_as_vendor,
        }


def run(n_synthetic: int = 200, seed: int = 7) -> dict[str, Tally]:
    from assistant import transcripts
    from assistant.models import Hints
    from assistant.roles import assign_roles

    tallies = {"dev": Tally(), "synthetic": Tally()}
    for case in dev_cases():
        t = assign_roles(transcripts.read_file(Path(case.text)), Hints())
        tallies["dev"].add(case, {s.name: s.role for s in t.speakers})
    for i, case in enumerate(synthetic_calls(n_synthetic, seed)):
        case.name = f"synthetic#{i}"
        t = assign_roles(transcripts.read_text(case.text), Hints())
        tallies["synthetic"].add(case, {s.name: s.role for s in t.speakers})
    return tallies


def bench(words: int = 6000, repeats: int = 5) -> dict:
    """Seconds to infer roles on a `words`-word call (the longest dev call repeated), after the
    shared model is loaded; wall and CPU time (CPU time is steadier on a busy machine)."""
    from assistant import transcripts
    from assistant.embeddings import get_model
    from assistant.models import Hints
    from assistant.roles import assign_roles

    longest = max(dev_cases(), key=lambda c: Path(c.text).stat().st_size)
    t = transcripts.read_file(Path(longest.text))
    segs, n = [], 0
    while n < words:
        for s in t.segments:
            if n >= words:
                break
            segs.append(s)
            n += len(s.text.split())
    big = t.model_copy(update={"segments": segs})
    t0 = time.perf_counter()
    get_model()
    load = time.perf_counter() - t0
    assign_roles(big, Hints())  # first call embeds the prototype sentences once
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        assign_roles(big, Hints())
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return {"call": longest.name, "words": n, "segments": len(segs), "model_load_s": round(load, 2),
            "roles_wall_s_min": round(min(walls), 3), "roles_wall_s_median": round(sorted(walls)[len(walls) // 2], 3),
            "roles_cpu_s_min": round(min(cpus), 3)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--synthetic", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", action="store_true", help="list every wrong call")
    ap.add_argument("--bench", action="store_true", help="time roles on a 6,000-word call instead")
    args = ap.parse_args(argv)
    if args.bench:
        print(json.dumps(bench(), indent=2))
        return
    t0 = time.perf_counter()
    tallies = run(args.synthetic, args.seed)
    report = {k: v.summary() for k, v in tallies.items()} | {"seconds": round(time.perf_counter() - t0, 2)}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for k, v in tallies.items():
            s = v.summary()
            print(f"{k:10s} speakers {s['right'] if 'right' in s else v.right}/{s['speakers']} = {s['speaker_accuracy']:.3f}   "
                  f"calls all right {v.calls_right}/{s['calls']}   vendor->customer {s['vendor_as_customer']}   "
                  f"customer->vendor {s['customer_as_vendor']}")
        print(f"({report['seconds']} s)")
    if args.show:
        for k, v in tallies.items():
            for m in v.misses:
                print(f"  {k}: {m}")


if __name__ == "__main__":
    main()
