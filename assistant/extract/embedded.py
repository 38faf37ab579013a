"""The embedded engine: the customer's own sentences for goal, measures and impediments.

Extractive, no LLM, no network, deterministic. Each customer sentence (a span of its
segment, so quotes are exact) gets P(goal | measures | impediments | none) from a small
learned classifier (`classifier.py`; features in `features.py`: the vendor question it
answers, classified by similarity to paraphrased prototype questions plus a small softmax
over the question's MiniLM vector learned from the dev calls' labelled questions; numbers, time
expressions and other shape features; what MiniLM fine-tuned on the dev calls makes of the
sentence, `field_model.py`). The weights ship in `assistant/data/extractor.npz` and
`field_model.onnx`, reproduced by `python -m eval.finetune_extractor` then
`python -m eval.train_extractor`, which reports leave-one-call-out cross-validation on the dev calls.

The rules the method cares about are hard filters, whatever the classifier says: a
revised goal supersedes the earlier one, a vendor metric the customer pushes back on is
not a measure, an obstacle the customer denies is not an impediment, text read aloud
from an email or document is data, never an answer, and questions and filler are never
quoted.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Optional

import numpy as np

from ..models import Extraction, Quote, Segment, Transcript, Unanswered
from . import features, field_model
from .classifier import CLASSES, SoftmaxModel, shipped
from .grounding import FOLLOW_UPS, TOPICS, sentence_spans

CAPS: dict[str, int] = {"goal": 3, "measures": 6, "impediments": 8}
# An empty goal is worse than a weak one: the customer's best goal-like sentence is quoted, and the goal
# is still listed as unanswered with its follow-up question (its score is under the threshold). The
# classifier puts a direct answer told as process ("we would send every invoice within two days") near 0.1.
FLOOR = {"goal": 0.05}
REVISED_GOAL = 0.5  # P(goal) a sentence at or after a revision cue needs to count as the revised goal
CALL_TURNS = 80  # a discovery call's usual length in turns; position features saturate there


def _rx(*patterns: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


_NUMWORD = (
    r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|half|a dozen|a couple(?: of)?|a few)"
)
_UNIT = (
    r"(?:%|percent|per ?cent|points?|days?|hours?|hrs|minutes?|mins|weeks?|months?|quarters?|years?|"
    r"k\b|x\b|times|dollars|euros|pounds|million|thousand|people|heads|ftes?|reps|agents|clerks|"
    r"tickets|invoices|calls|cases|orders|customers|accounts|deals|hires|errors)"
)
NUMBER = re.compile(rf"(?:[$€£]\s?\d[\d,.]*\s?(?:k|m|mm|million|thousand)?|\b{_NUMWORD}(?:[\s-]+{_NUMWORD})*[\s-]*(?:\w+[\s-]+)?{_UNIT})", re.I)
TIME = _rx(
    r"\b(?:in|within|over the next|after|by|before)\s+(?:the\s+)?(?:next\s+)?"
    rf"{_NUMWORD}[\s-]+(?:days?|weeks?|months?|quarters?|years?)\b",
    r"\b(?:by|before|until|end of|in|after)\s+(?:the\s+)?(?:end of\s+)?(?:q[1-4]|january|february|march|april|may|june|july"
    r"|august|september|october|november|december|(?:next|this)\s+(?:year|quarter|month)|the\s+(?:year|contract|quarter))\b",
    r"\btwelve months\b|\ba year from now\b|\bnext year\b",
)

CUES: dict[str, list[tuple[re.Pattern, float]]] = {
    "goal": [
        (_rx(r"\bsuccess (?:would|will|for (?:us|me)|looks? like|means|is)\b", r"\b(?:call|consider) (?:it|this) a success",
             r"\bif (?:this|it|we) (?:works?|succeeds?)\b", r"\bwhat success\b"), 1.0),
        (_rx(r"\bthe (?:main |real |big |primary |ultimate |whole |overall |actual )?(?:goal|objective|aim|priority|point|outcome|"
             r"north star|win)\b(?: for (?:us|me|the business))? (?:is|would be|here)",
             r"\bwhat (?:really )?matters(?: most)? (?:is|to (?:us|me))", r"\bwhat i(?:'d| would)? (?:really )?(?:want|like)(?: is|,| to see)",
             r"\bwhat we(?:'d| would)? (?:really )?(?:want|need)(?: is|,| to see)", r"\bour (?:goal|objective|aim)\b",
             r"\bthe dream\b|\bideally\b|\bat the end of the day\b"), 0.8),
        (_rx(r"\b(?:we|i) (?:want|need|have|would like|'d like|'re trying|are trying|hope|are hoping|'re hoping) to\b",
             r"\b(?:i|we) want (?:our|my|the|us|every|all)\b", r"\bso that (?:we|our|my|the)\b", r"\bwithout (?:adding|hiring)\b"), 0.45),
        (_rx(r"\b(?:twelve|12|eighteen|18|six|6) months from now\b", r"\ba year from now\b",
             r"\bby the end of (?:the )?(?:contract|year|first year)\b"), 0.4),
    ],
    "measures": [
        (_rx(r"\b(?:we|you|i)(?:'d| would|'ll| will| should)? know (?:it'?s|it is|that|because|if|when|by)\b",
             r"\bhow (?:we|i)(?:'d| would)? know\b", r"\bthe (?:number|metric|kpi|measure)s? (?:i|we) (?:care|look|watch|track)"), 1.0),
        (_rx(r"\b(?:we|i|they|finance|the board|my cfo|our cfo)\b[^.]{0,20}\b(?:already )?(?:track|measure|report(?: on)?|monitor|look at|watch)(?:s|ed)?\b",
             r"\b(?:is|are|gets?) (?:tracked|measured|reported)\b", r"\bbaseline\b", r"\bdashboard\b"), 0.7),
        (_rx(r"\bmetrics?\b|\bkpis?\b|\bmeasures?\b|\bbenchmark\b|\bscorecard\b"), 0.5),
        (_rx(r"\bfrom\b[^.]{1,30}\b(?:to|down to|up to)\b[^.]{0,8}\d|\bfrom\b[^.]{1,30}\bto\b", r"\bdown to\b", r"\bup to\b",
             r"\b(?:under|below|above|over|at least|less than|more than|fewer than|no more than)\s+" + _NUMWORD,
             r"\b(?:currently|today|right now|at the moment|these days)\b[^.]{0,40}\d", r"\b(?:by|to) \d+\s?(?:%|percent)"), 0.5),
        (_rx(r"\b(?:rate|ratio|score|nps|csat|churn|retention|turnaround|cycle time|time to \w+|days sales outstanding|dso|"
             r"win rate|conversion|margin|revenue|cost per|backlog|throughput|accuracy|error rate|on-?time|sla|"
             r"first[- ]call resolution|handle time|response time|resolution time)\b"), 0.35),
    ],
    "impediments": [
        (_rx(r"\bwhat (?:really )?(?:worries|scares|concerns|bothers) me\b", r"\bi'?m (?:a bit |a little |really |most |more )?(?:worried|concerned|nervous)\b",
             r"\bmy (?:biggest |main |one |only )?(?:worry|concern|fear)\b",
             r"\b(?:the|our|one|a) (?:biggest |main |real |other )?(?:risk|concern|worry|danger|challenge|problem|issue|blocker) (?:is|would be|here|there)\b",
             r"\b(?:could|might|may|would|will|can) (?:really |easily |definitely |probably |also )?(?:get in the way|slow (?:us|this|things|it)|derail|block|delay|stall|"
             r"hold (?:us|this|things|it) (?:up|back)|be (?:a|the|an) (?:problem|issue|blocker|bottleneck)|trip (?:us|this) up|kill (?:this|it))",
             r"\bget in the way\b"), 1.0),
        (_rx(r"\bblockers?\b|\bbottlenecks?\b|\bobstacles?\b|\broadblocks?\b|\bhurdles?\b",
             r"\b(?:we|i|they|it) (?:don'?t|do not|won'?t|can'?t|cannot) have (?:the |any |enough |a )?(?:bandwidth|time|people|budget|resources|headcount|capacity|staff)\b",
             r"\b(?:we|i|they) (?:don'?t|do not) have (?:the |any |enough |a )?(?:bandwidth|time|people|budget|resources|headcount|capacity|staff|anyone|someone|data)\b",
             r"\b(?:budget|hiring) (?:freeze|is frozen|cuts?|is tight)\b", r"\breorg\w*\b", r"\bchange fatigue\b"), 0.8),
        (_rx(r"\bbandwidth\b|\bstretched\b|\bswamped\b|\bbusy with\b|\btied up\b|\bunderstaffed\b|\bshort[- ]staffed\b|\bno capacity\b|\boverloaded\b",
             r"\b(?:it|security|infosec|legal|procurement|compliance)(?: team)? (?:review|approval|sign-?off|questionnaire)\b",
             r"\b(?:resist\w*|pushback|push back|buy-?in|skeptic\w*|sceptic\w*|turnover|attrition)\b",
             r"\bcompeting (?:priorit|project)\w*\b|\bother priorities\b"), 0.6),
        (_rx(r"\blegacy\b|\bold (?:system|tool|platform)\b|\bspreadsheets?\b|\bmessy\b|\bdata (?:is|are|lives|sits) (?:in|all over|spread|scattered)",
             r"\bintegrat\w+\b", r"\bmigration\b", r"\buntil (?:january|february|march|april|may|june|july|august|september|october|november|december|q[1-4]|next)\b",
             r"\bif (?:we|they|it|people|the team) (?:don'?t|can'?t|won'?t|doesn'?t)\b"), 0.4),
    ],
}

# Rules: things a careful CSM would never quote as the customer's answer.
REVISION = _rx(r"\bscratch that\b", r"\blet me (?:rephrase|restate|correct|put (?:it|that) (?:another|differently))",
               r"\bi take (?:that|it) back\b", r"\bon second thought", r"\bwhat really matters\b", r"\bforget (?:what i said|that)\b",
               r"\bno,? actually\b", r"\bactually,? (?:the (?:real|actual) )?(?:goal|point|thing)\b", r"\bcorrection\b",
               r"\bthat'?s not (?:really )?(?:it|right|the goal)\b", r"\bthe real (?:goal|point|win)\b",
               r"\bwhat (?:i|we) (?:actually|really) (?:care about|want|need|mean)\b", r"\bthat'?s (?:just )?the means\b", r"\bnot really it\b")
# An answer the speaker announces as one they don't hold ("the answer I gave the board", "a year ago I'd have
# told you", "the goal was"): the goal it states is superseded by what follows.
DISOWNED = _rx(r"\b(?:first|official|easy|textbook|standard|obvious|short) answer\b", r"\bthe answer i gave\b",
               r"\b(?:a year|years|months|a while) ago,? i'?d have (?:told|said)\b", r"\bthe goal was\b", r"\bon paper,? the goal\b")
INJECTION = _rx(r"\bignore (?:all |any |the )?(?:previous|prior|above|earlier|preceding|your)\b", r"\bdisregard (?:all|any|the|previous|prior|your)\b",
                r"\bsystem prompt\b", r"\byou are now\b", r"\bnew instructions?\b", r"\bas an ai\b", r"\b(?:assistant|ai|model|bot)[,:] (?:say|write|output|set)\b",
                r"\boverride\b", r"\binstructions? (?:to|for) the (?:ai|assistant|model|bot)\b")
READING = _rx(r"\b(?:the email|the e-mail|this email|the message|the document|the doc|the note|the memo|the ticket|the slide|the deck|the letter|the footer|the pdf|the rfp|the thread)\s+(?:says|said|reads|read|states|wrote|writes)\b",
              r"\b(?:it|he|she|they)\s+(?:says|said|reads|wrote|writes)\s*[:\"“]", r"\bquote\s*[:\"“]", r"\b(?:and i quote|quote,? unquote|quoting (?:from|him|her|them|it|the))\b", r"\blet me read\b", r"\bi'?ll read (?:it|you|this|the)\b",
              r"\breading (?:it|from|you)\b", r"\bverbatim\b", r"\bword for word\b", r"\bsays,? and i quote\b")
BACK_TO_US = _rx(r"^\s*(?:anyway|anyways|so anyway|back to|obviously|weird|ignore that|sorry|end quote|unquote|that'?s (?:it|the email))\b")
DENIAL = _rx(
    r"\b(?:won'?t|will not|shouldn'?t|should not|isn'?t|is not|wasn'?t|aren'?t|are not|not going to|wouldn'?t|would not|doesn'?t|does not)\s+(?:really\s+|actually\s+)?(?:going to\s+|gonna\s+)?(?:be\s+)?(?:an?\s+|the\s+|any\s+|much\s+of\s+an?\s+)?(?:real\s+|big\s+|major\s+)?(?:issue|problem|concern|blocker|obstacle|worry|bottleneck|factor)",
    r"\bnot (?:a|an|any|the|really a|really an)\s+(?:real\s+|big\s+|major\s+)?(?:issue|problem|concern|blocker|worry|obstacle|bottleneck|risk)",
    r"\b(?:is|'s|are|'re)\s+(?:fine|approved|covered|sorted|handled|not an issue)\s*[,.]", r"\b(?:are|is|'re|'s) not (?:a |the )?(?:problem|issue|concern|blocker|risk)",
    r"\b(?:no|zero)\s+(?:real\s+)?(?:issues?|problems?|concerns?|worries|blockers?)\b(?! (?:is|are|would be))",
    r"\bnot (?:really |too |that |at all )?(?:worried|concerned)\b", r"\bi'?m not worried\b",
    r"\b(?:don'?t|do not)\s+(?:see|expect|anticipate|foresee)\s+(?:that|it|this|any|a|an)\b",
    r"\b(?:already|fully|been)\s+(?:approved|cleared|signed off|sorted|handled|covered|vetted|whitelisted|done|reviewed|set up|behind (?:it|this|us))\b",
    r"\bnot going to second-guess\b", r"\bthey'?ll use anything\b",
    r"\bthat'?s (?:covered|handled|sorted|fine|not a|a non-?issue)\b", r"\bnon-?issue\b", r"\bwe'?re (?:fine|good|covered) (?:there|on that)\b",
    r"\b(?:isn'?t|is not|won'?t|will not|not|shouldn'?t|aren'?t|are not)\s+(?:going to\s+|gonna\s+)?(?:hold (?:us|this|things|it) (?:up|back)|slow (?:us|this|things|it)(?: down)?|block (?:us|this|it)|derail|delay (?:us|this|it)|stall|get in the way|trip (?:us|this) up)",
    r"\bshould be (?:fine|ok|okay|straightforward)\b", r"\bnot going to (?:collide|conflict|clash|affect|interfere|get in the way|be a)\b", r"\bwon'?t (?:collide|clash|conflict|interfere)\b", r"\bno,? (?:that|it)'?s fine\b",
)
# A record from a one-off event ("the most we've ever had") is small talk, not a baseline; a claim the
# customer relays from a document or the vendor's deck ("It says ...") is someone else's words.
ANECDOTE = _rx(r"\b(?:most|best|biggest|largest|highest|longest|worst)\b[^.]{0,60}\b(?:we'?ve|i'?ve|we have|i have|they'?ve) ever\b")
RELAYED = _rx(r"^\s*(?:it|the (?:\w+ )?(?:deck|brochure|slide|website|site|page|email|proposal|case study)|your (?:\w+ )?(?:deck|brochure|slide|website|site|page|email|proposal|case study)) (?:says|claims|promises)\b")
# A speaker introducing themselves ("I run finance operations at Acme, so I own billing") says who they
# are, not what success looks like; with no figure in it, it is never quoted as an answer.
INTRODUCTION = _rx(
    r"^(?:[\w' ]{0,24},\s*)?(?:so,?\s*)?(?:my name is\b|i'?m (?:the |a |an |our )?(?:\w+ ){0,3}(?:head|director|manager|lead|vp|vice president|chief|officer|coordinator|controller|supervisor)\b"
    r"|i (?:run|head(?: up)?|lead|manage|oversee) (?:the |our |a )?(?:\w+ ){0,3}(?:operations|team|department|function|group|office|desk|unit)\b"
    r"|i'?m (?:responsible for|in charge of)\b)"
)
# A vendor metric the customer hands back ("that's a number for you guys") is pushback, with or without a negation.
HANDED_BACK = _rx(r"\ba number for you\b", r"\bnumber for (?:you|your) (?:guys|team|side|dashboard)\b", r"\bon paper\b[^.]{0,40}\band (?:we )?still\b")
ADOPTION = _rx(r"\blog-?ins\b|\blog-?in (?:counts?|numbers?|rates?|targets?)\b|\blogging in\b|\badoption\b|\bactive users?\b|\b[dwm]au\b|\bseats? (?:count|activated|used|assigned)\b",
               r"\blicen[cs]es? (?:activated|used|assigned)\b|\busage\b|\butili[sz]ation\b|\bfeatures? used\b|\bclicks\b|\b(?:checklist|task) completion\b|\btouched by (?:the|your) (?:platform|tool|product)\b")
NEGATIVE = _rx(r"\w+n[’']t\b", r"\bnot\b", r"\bcannot\b", r"\bno\b", r"\bnever\b", r"\bcare less\b", r"\bvanity\b", r"\birrelevant\b", r"\bwho cares\b",
               r"\bbut\b", r"\brather\b", r"\binstead\b", r"\bsure\b")
QUESTIONISH = _rx(r"\?\s*$")
FILLER = re.compile(r"\b(?:um+|uh+|er+|erm|hmm+|mm+-?hmm+|mhm|uh-huh|like|you know|i mean|sort of|kind of|yeah|yes|yep|no|okay|ok|right|"
                    r"so|well|oh|sure|great|cool|totally|exactly|absolutely|got it|thanks|thank you|and|but|the|a|that|it|is|it's|that's)\b", re.I)
SMALL_TALK = _rx(r"\bweather\b", r"\bweekend\b", r"\bvacation\b", r"\bholiday\b", r"\bcan you hear me\b", r"\byou'?re on mute\b",
                 r"\bhow are you\b", r"\bkids?\b", r"\bcoffee\b", r"\bfootball\b", r"\bsoccer\b", r"\bgame last night\b",
                 r"\bsend (?:me|over) (?:the|a) (?:invite|calendar|link)\b", r"\b(?:calendar|invite)\b", r"\bpricing\b|\bdiscount\b|\binvoice you\b")

# The shape of an answer, whatever question it follows.
FORMS: dict[str, list[tuple[re.Pattern, float]]] = {
    "goal": [
        (_rx(r"\b(?:i|we)(?:'d| would)? (?:really |just |actually )?(?:want|need|like)\b(?! to (?:ask|add|say|see the))", r"\bshould\b(?! be (?:fine|ok))",
             r"\bsuccess\b", r"\bthe (?:main|big|whole|real|first|number one) (?:thing|point)\b", r"\b(?:that'?s|it'?s) a win\b|\bwe win\b|\bi'?(?:ll| will|'d| would) be happy\b",
             r"\bfor me,? (?:it'?s|success)\b", r"\binstead of\b", r"\bstop (?:\w+ing|losing|bleeding)\b", r"\bwithout (?:\w+ing)\b"), 0.3),
    ],
    "measures": [
        (_rx(r"\b(?:want|need|like|target|goal|aim)\b[^.]{0,60}\b(?:under|below|above|over|at least|less than|more than|down to|up to|to|in half|by half|double|halve|cut)\b",
             r"\bshould be (?:under|below|above|over|at least|less than|more than|down to|up to|\d)", r"\bfrom\b[^.]{1,40}\bto\b", r"\b(?:cut|reduce|halve)\w* (?:that|it|this)?\s*(?:in half|by)\b",
             r"\b(?:right now|today|currently|at the moment|on average)\b|\bwe'?re at\b|\blast (?:year|cycle|quarter|month)\b"), 0.2),
    ],
    "impediments": [
        (_rx(r"\b(?:if|when)\b[^.]{3,160}\b(?:won'?t|can'?t|cannot|never|not|no|ignore|lose|miss|fail|drop|back to|worse|wrong|mistakes|stop|refuse|late|rekey\w*|by hand|manual\w*|nothing|forget)\b",
             r"\bunless\b", r"\bso (?:any|anything|everything|nothing|the whole)\b", r"\bmust be approved\b|\bneeds? (?:to be )?approv\w+\b|\bthey are slow\b", r"\b(?:won'?t|can'?t|cannot|will not) (?:get done|happen|work|move|be able)\b", r"\bor it won'?t\b", r"\btoo (?:thin|late|slow|busy|much)\b",
             r"\b(?:hate|exhausted|burned out|burnt out|underwater|swamped|overloaded|drowning|out of date|a mess|veto)\b", r"\bdepends? on\b",
             r"\bthe (?:biggest|big|main|other|first|second) (?:one|thing|risk|problem|worry)\b", r"\bonly (?:have )?(?:one|two|three|four|five|\d+)\b",
             r"\bwe don'?t (?:even )?have\b", r"\bwe'?ll lose\b|\bwe miss\b|\bgo back to (?:the old|paper)\b|\bwork around\b|\bignore\b|\bnot use it\b"), 0.3),
    ],
}
BASELINE = _rx(r"\b(?:right now|today|currently|at the moment|on average|average|now|last (?:year|cycle|quarter|month))\b", r"\b(?:we'?re|is|are|was|sits?|sitting) (?:at |about |around |roughly )?\d",
               r"\btakes? us\b", r"\bwe (?:had|have)\b")
TARGET = _rx(r"\b(?:want|need|like|target|aim|should be|get (?:it|that|this) (?:to|under|below|down))\b", r"\b(?:under|below|above|at least|less than|fewer than|down to|in half|by half)\b")
NO_METRIC = _rx(r"\b(?:don'?t|do not|doesn'?t|never|can'?t)\s+(?:really\s+|even\s+)?(?:track|measure|connect|know|split|report|have (?:a|the|any) (?:number|baseline|data))\b",
                r"\bnot split\b", r"\b(?:don'?t|do not) want to promise\b", r"\bnot setting a target\b", r"\bwithout a target\b")
NUMBERISH = re.compile(rf"\d|\b(?:percent|half|double|twice|triple|dozen)\b|\b{_NUMWORD}\s+(?:\w+\s+)?(?:per|a|each|out of)\b", re.I)

# Vendor questions, direct and indirect wordings, per discovery topic; "other" ends a topic.
QUESTION_PROTOTYPES: dict[str, list[str]] = {
    "goal": [
        "What does success look like for you twelve months from now?",
        "If a year from now you call this a success, what would you say?",
        "What are you hoping to achieve with this project?",
        "What is the main business outcome you are after?",
        "Imagine it is next spring: what would make this worth the money?",
        "Why did you buy, what problem are you trying to solve?",
        "What would a great outcome be for your team by the end of the contract?",
        "Where do you want to be at the end of next year?",
        "What made you start looking for something now, what needs to change?",
        "Looking back after the first year, what would have changed for the business?",
        "What would you tell your boss you got out of this?",
        "What's the big win you're after?",
        "Imagine it's a year from now and this went really well. What happened?",
        "What would make this worth it for you?",
    ],
    "measures": [
        "How will you know that it is working?",
        "How do you measure that today, and what is the number now?",
        "Which metrics do you track for this?",
        "What would have to happen for you to call it a success?",
        "How would you prove to your leadership that it worked?",
        "Is there a number you already report on, and where is it today?",
        "What does your dashboard show, what KPIs does the board look at?",
        "Where is that figure now and where should it get to?",
        "How would you tell the difference between a good year and a bad one?",
        "What would you look at to see whether it's moving?",
        "Do you have a baseline for that?",
    ],
    "impediments": [
        "What could get in the way?",
        "What might stop this from working or slow it down?",
        "Are there any risks or blockers we should know about?",
        "What concerns do you have about the rollout?",
        "What worries you about this project?",
        "What has made projects like this fail before?",
        "What keeps you up at night about the implementation?",
        "Is there anything that could derail the timeline?",
        "What could go wrong?",
        "What would make your team push back or not use it?",
        "Any constraints on people, budget, or IT time we should plan around?",
        "Imagine it's a year from now and this failed. What went wrong?",
        "Is there anything on the calendar that would collide with the rollout?",
    ],
    "other": [
        "What do you need from us?",
        "How often should we review the plan together?",
        "When would you like to go live, what is the timeline?",
        "Can you hear me okay?",
        "How was your weekend?",
        "Who else should be involved from your side?",
        "Does that agenda work for everyone?",
        "What do you use for single sign-on?",
        "Can I share my screen?",
        "Shall we set up the next meeting?",
    ],
}
# Questions that are about something else (what we owe them, logistics, pricing): they end the previous topic.
OTHER_QUESTION = _rx(r"\b(?:need|want|expect) from (?:us|me|our side)\b", r"\bfrom our side\b", r"\bcan we (?:do|help|support)\b",
                     r"\bnext steps?\b", r"\b(?:invite|pricing|price|contract length|renewal date|sign(?:ed)? (?:by|the))\b",
                     r"\bwho else should\b", r"\breview the plan\b|\bcheck[- ]in\b|\bhow often\b")
ASKS = _rx(r"\b(?:tell me|walk me through|let'?s (?:talk|start|move|turn|switch)|i'?d love to hear|curious)\b")
HEADING = re.compile(
    r"^\W*(?:(?P<goal>goals?|objectives?|success|desired outcomes?|why now)|(?P<measures>measures?|metrics|kpis?|how (?:they|we)(?:'ll| will) know|success metrics)"
    r"|(?P<impediments>risks?|concerns|impediments|blockers|obstacles|what could get in the way))\b[^.!?]*$",
    re.I,
)
QUOTED = re.compile(r"[\"“]([^\"“”]{12,}?)[\"”]")
QUESTION_CUES: dict[str, re.Pattern] = {
    "goal": _rx(r"\bsuccess look like\b", r"\bwhat (?:would|does|will) success\b", r"\bcall (?:it|this|that)(?: \w+)? a success\b", r"\bhoping to (?:achieve|get)\b",
                r"\b(?:main |big |primary |business )?(?:goal|objective|outcome|priorit)\w*\b", r"\btrying to (?:achieve|accomplish|solve)\b",
                r"\bwhat (?:do|would) you (?:want|need|like) (?:to )?(?:achieve|see|get)\b", r"\btwelve months from now\b|\ba year from now\b|\bwhy (?:now|did you buy)\b",
                r"\bwhat (?:would|does) (?:a )?(?:win|good) look like\b"),
    "measures": _rx(r"\bhow (?:will|would|do|can) you (?:know|tell|measure|track|prove)\b", r"\bhow you(?:'d|'ll| would| will)? (?:know|tell|measure|prove)\b", r"\bmeasure\w*\b", r"\bmetrics?\b|\bkpis?\b|\bnumbers?\b",
                    r"\bbaseline\b|\btoday'?s number\b|\bwhere (?:is|are) (?:that|it|those|they) (?:today|now)\b", r"\bwhat would have to happen\b",
                    r"(?<!on )\btrack(?:s|ed|ing)?\b(?! record)", r"\bhow much\b|\bhow many\b|\bhow long\b"),
    "impediments": _rx(r"\bget in the way\b", r"\brisks?\b|\bblockers?\b|\bobstacles?\b|\bconcerns?\b|\bworr\w+\b|\bchallenges?\b|\bhurdles?\b",
                       r"\bslow (?:this|it|us|you|things) down\b", r"\bstop (?:this|it|you)\b", r"\bgo wrong\b|\bderail\b|\btrip (?:you|us|this) up\b",
                       r"\bkeep you up at night\b|\bwhat could hold\b|\bstand in the way\b"),
}


_STRAIGHT = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
# How sure a vendor question must be to start or switch the topic under discussion (similarities to the question prototypes).
TOPIC = {"start": 0.35, "switch": 0.4, "switch_short": 0.45, "margin": 0.04, "cue": 0.2}
DECAY = {0: 1.0, 1: 0.85, 2: 0.6, 3: 0.35}  # how far a question's topic carries into the following turns


@dataclass
class Sentence:
    seg: int
    a: int
    b: int
    text: str
    order: int
    adjacency: dict[str, float] = field(default_factory=dict)  # topic of the question it answers, decayed
    qsim: dict[str, float] = field(default_factory=dict)  # that question's similarity to each topic, decayed
    qprob: dict[str, float] = field(default_factory=dict)  # the learned question model's topic for that question, decayed
    decay: float = 0.0
    customer_since: int = 0  # customer turns since the question
    turn_pos: int = 0  # sentence index inside its turn
    call_pos: float = 0.0  # 0 at the start of the call, 1 at the end
    first_answer: bool = False  # in the first customer turn after the question
    notes: bool = False
    after_adoption_pitch: bool = False
    excluded: Optional[str] = None  # why this sentence can never be quoted
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def plain(self) -> str:
        """The text with curly apostrophes and quotes straightened, for the cue patterns."""
        return self.text.translate(_STRAIGHT)


def _content_words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9$%]+", FILLER.sub(" ", text)))


@lru_cache(maxsize=1)
def _prototype_vectors() -> dict[str, np.ndarray]:
    """Embedded once per process: the vendor-question prototypes and the question bank's ~650
    labelled wordings (vectors precomputed, see question_bank())."""
    from ..embeddings import embed

    questions = {k: embed(v) for k, v in QUESTION_PROTOTYPES.items()}
    vecs, topics = question_bank()
    for k in questions:  # the bank's "none" (a question about something else) is the prototypes' "other"
        questions[k] = np.vstack([questions[k], vecs[topics == ("none" if k == "other" else k)]])
    return questions


BANK_TEXT = "question_bank.tsv"  # topic TAB vendor question: the source, written by people
BANK_VECTORS = "question_bank.npz"  # its MiniLM vectors, so a draft needn't embed 650 questions at start


def _data(name: str):
    from importlib import resources

    return resources.files("assistant") / "data" / name


def read_question_bank() -> list[tuple[str, str]]:
    """(topic, question) rows; topics are the classifier's CLASSES."""
    lines = _data(BANK_TEXT).read_text(encoding="utf-8").splitlines()[1:]
    rows = [line.split("\t", 1) for line in lines if line.strip()]
    return [(k.strip(), q.strip()) for k, q in rows]


def write_question_bank_vectors() -> int:
    """Embed the bank (python -m eval.train_extractor calls this); returns the number of questions."""
    rows = read_question_bank()
    vecs = _embed([_last_question(q) for _, q in rows])
    with open(str(_data(BANK_VECTORS)), "wb") as f:
        np.savez_compressed(f, vecs=vecs.astype(np.float16), topics=np.array([k for k, _ in rows]))
    question_bank.cache_clear()
    _prototype_vectors.cache_clear()
    return len(rows)


@lru_cache(maxsize=1)
def question_bank() -> tuple[np.ndarray, np.ndarray]:
    """The bank's vectors and topics, as shipped (empty if the vectors were never written)."""
    path = _data(BANK_VECTORS)
    if not path.is_file():
        return np.zeros((0, 384), dtype=np.float32), np.array([], dtype=str)
    with np.load(str(path), allow_pickle=False) as z:
        return z["vecs"].astype(np.float32), z["topics"].astype(str)


def _embed(texts: list[str]) -> np.ndarray:
    """The extractor's one call into MiniLM (the trainer caches it)."""
    from ..embeddings import embed

    return embed(texts)


def _sim(vecs: np.ndarray, protos: np.ndarray) -> np.ndarray:
    """For each vector: mean of its two best prototype similarities (robust to one odd prototype)."""
    if len(vecs) == 0:
        return np.zeros(0)
    sims = vecs @ protos.T
    top = np.sort(sims, axis=1)[:, -2:]
    return top.mean(axis=1)


def _shipped_question() -> Optional[SoftmaxModel]:
    return shipped().question


def _asking(t: Transcript) -> list[int]:
    """The vendor turns that ask something: the questions a customer sentence may answer."""
    return [i for i, seg in enumerate(t.segments) if t.role_of(seg.speaker) == "vendor" and ("?" in seg.text or ASKS.search(seg.text))]


def _last_question(text: str) -> str:
    """What a vendor turn asks: its question sentences (short text embeds fast)."""
    qs = [text[a:b] for a, b in sentence_spans(text)]
    last = max((i for i, q in enumerate(qs) if "?" in q), default=len(qs) - 1)
    return " ".join(qs[max(0, last - 2) : last + 1])[-300:] or text[-300:]


def _relative(sims: dict[str, float], temperature: float = 0.05) -> dict[str, float]:
    """Similarities to the question topics as shares (softmax): which topic, not how similar overall."""
    z = np.array(list(sims.values())) / temperature
    e = np.exp(z - z.max())
    return dict(zip(sims, (e / e.sum()).tolist()))


def _cue_score(text: str, topic: str) -> float:
    return max((w for rx, w in CUES[topic] if rx.search(text)), default=0.0)


@dataclass
class Analysis:
    """A call's customer sentences, the ones that may be quoted, and their feature rows."""

    sentences: list[Sentence]
    live: list[Sentence]
    X: np.ndarray


class EmbeddedExtractor:
    """Deterministic, extractive: `EmbeddedExtractor().extract(t) -> Extraction`.

    Each customer sentence gets P(goal | measures | impediments | none) from a small
    learned classifier (`classifier.py`, weights in `assistant/data/extractor.npz`,
    trained by `python -m eval.train_extractor`); the method's rules are hard filters
    before it and the per-field selection after it.
    """

    name = "embedded"

    def __init__(
        self,
        _count: Optional[list[int]] = None,
        model: Optional[SoftmaxModel] = None,
        field_proba: Optional[Callable[[list[str]], np.ndarray]] = None,
    ) -> None:
        self._count = _count  # the benchmark counts embedded texts here
        self._model = model  # None: the shipped weights
        self._field_proba = field_proba  # sentences -> fine-tuned P(field); None: the shipped model (the trainer passes out-of-fold ones)

    @property
    def model(self) -> SoftmaxModel:
        return self._model or shipped()

    def extract(self, t: Transcript) -> Extraction:
        return self.select(t, self.analyse(t))

    def analyse(self, t: Transcript) -> Analysis:
        """Everything that does not depend on the weights (the two encoders are the costly part)."""
        sentences = self._sentences(t)
        asking = _asking(t)
        self._apply_rules(sentences)
        qvecs = _embed([_last_question(t.segments[i].text) for i in asking])
        self._question_context(t, sentences, asking, qvecs)
        self._exclude_pitched(sentences)
        live = [s for s in sentences if not s.excluded]  # what the rules exclude never reaches the fine-tuned model
        if self._count is not None:
            self._count.append(len(asking) + len(live))
        cues = {k: np.array([_cue_score(s.plain, k) for s in live]) for k in TOPICS}
        fine = (self._field_proba or field_model.shipped().proba)([s.text for s in live])
        return Analysis(sentences, live, features.matrix(live, cues, fine))

    def select(self, t: Transcript, an: Analysis, model: Optional[SoftmaxModel] = None) -> Extraction:
        model = model or self.model
        P = model.proba(an.X)
        for s, p in zip(an.live, P):
            s.scores = {k: float(p[i]) for i, k in enumerate(CLASSES)}
        return self._select(t, an.sentences, model.meta)

    # -- 1. customer sentences, as spans of their segments
    def _sentences(self, t: Transcript) -> list[Sentence]:
        notes = not any(t.role_of(seg.speaker) == "vendor" for seg in t.segments)
        quoted_notes = notes and any(QUOTED.search(seg.text) for seg in t.segments)
        out: list[Sentence] = []
        for i, seg in enumerate(t.segments):
            if t.role_of(seg.speaker) != "customer":
                continue
            if quoted_notes:
                # pasted notes: the customer's own words are what the note-taker put in quotes
                for m in QUOTED.finditer(seg.text):
                    for a, b in sentence_spans(m[1]):
                        s = Sentence(i, m.start(1) + a, m.start(1) + b, m[1][a:b], len(out))
                        out.append(s)
                        if INJECTION.search(s.text):
                            s.excluded = "injection"
                continue
            reading = 0  # sentences still inside something read aloud (email, document)
            for a, b in sentence_spans(seg.text):
                s = Sentence(i, a, b, seg.text[a:b], len(out))
                text = s.plain
                out.append(s)
                if reading and BACK_TO_US.search(text):
                    reading = 0
                if INJECTION.search(text):
                    s.excluded, reading = "injection", max(reading, 2)
                elif reading:
                    s.excluded, reading = "read aloud", reading - 1
                    if re.search(r"[\"”]\s*$", text):  # the closing quote ends the reading
                        reading = 0
                m = None if notes else READING.search(text)
                if m:
                    after = text[m.end() :]
                    if len(re.findall(r"[A-Za-z]+", after)) >= 3:
                        s.excluded = s.excluded or "read aloud"
                    closed = re.search(r"[\"“][^\"”]+[\"”]", text[m.start() :])
                    reading = 0 if closed else 3
        prev_seg, pos = -1, 0
        for s in out:
            pos = pos + 1 if s.seg == prev_seg else 0
            prev_seg = s.seg
            # how far into the call, in turns (not a share of its length: a short snippet is all "early")
            s.turn_pos, s.call_pos, s.notes = pos, min(s.seg / CALL_TURNS, 1.0), notes
        return out

    # -- 2. which discovery question each customer sentence answers
    def _question_context(self, t: Transcript, sentences: list[Sentence], asking: list[int], qvecs: np.ndarray) -> None:
        """Sets each sentence's question context from the vendor's questions (segment indices, vectors)."""
        vendor = [i for i, seg in enumerate(t.segments) if t.role_of(seg.speaker) == "vendor"]
        notes = not vendor
        qprotos = _prototype_vectors()
        qsims = {k: _sim(qvecs, p) for k, p in qprotos.items()}
        learned = self._model.question if self._model is not None else _shipped_question()
        qP = learned.proba(qvecs) if learned is not None and len(qvecs) else np.zeros((len(qvecs), len(CLASSES)))
        if learned is not None and len(qvecs):
            # what the dev calls' vendor questions were answered with, for indirect wordings no prototype covers
            beta = (self._model or shipped()).meta.get("q_beta", 0.0)
            for k in TOPICS:  # which topic; whether it is a topic at all stays with the prototypes
                qsims[k] = qsims[k] + beta * qP[:, CLASSES.index(k)]
        row = {i: n for n, i in enumerate(asking)}
        by_seg: dict[int, list[Sentence]] = {}
        for s in sentences:
            by_seg.setdefault(s.seg, []).append(s)
        current: Optional[str] = None
        qrow, qsim = -1, {k: 0.0 for k in QUESTION_PROTOTYPES}
        vendor_since, customer_since = 99, 0  # vendor statements / customer turns since the topic question
        pitch = False
        for i, seg in enumerate(t.segments):
            if i in row:
                sims = {k: float(qsims[k][row[i]]) for k in QUESTION_PROTOTYPES}
                topic = self._question_topic(seg.text, sims, current)
                if topic == "follow-up" and current is not None:
                    vendor_since = min(vendor_since, 1)  # "Say more?", "And Kevin?": the same question goes on
                    pitch = pitch or bool(ADOPTION.search(seg.text))
                else:
                    current = None if topic == "follow-up" else topic
                    vendor_since, customer_since, pitch = 0, 0, bool(ADOPTION.search(seg.text))
                    qrow, qsim = row[i], _relative(sims)
            elif i in vendor:
                vendor_since += 1  # a statement (a playback, a pitch) keeps the topic, a little weaker
                pitch = pitch or bool(ADOPTION.search(seg.text))
            elif notes and len(seg.text.split()) <= 8 and (heading := HEADING.match(seg.text)):
                current, vendor_since, customer_since, qrow = heading.lastgroup, 0, 0, -1
                qsim = {k: float(k == current) for k in QUESTION_PROTOTYPES}
            elif i in by_seg:
                for s in by_seg[i]:
                    heading = HEADING.match(s.text)
                    if heading and len(s.text.split()) <= 8:
                        current, vendor_since, customer_since, qrow = heading.lastgroup, 0, 0, -1
                        qsim = {k: float(k == current) for k in QUESTION_PROTOTYPES}
                        s.excluded = "heading"
                        continue
                    decay = DECAY.get(vendor_since, 0.0) * 0.9 ** min(customer_since, 8)
                    if current:
                        s.adjacency[current] = decay
                    s.decay, s.first_answer = decay, customer_since == 0 and vendor_since == 0
                    s.customer_since = customer_since
                    s.qsim = {k: v * decay for k, v in qsim.items()}
                    s.qprob = {k: float(qP[qrow, n]) * decay for n, k in enumerate(CLASSES)} if qrow >= 0 else {}
                    s.after_adoption_pitch = pitch and vendor_since <= 1
                if any(_content_words(s.text) >= 3 for s in by_seg[i]):
                    customer_since += 1

    @staticmethod
    def _question_topic(text: str, sims: dict[str, float], current: Optional[str] = None) -> Optional[str]:
        """A topic, None (a question about something else) or "follow-up" (keeps the current topic).

        The vendor question's similarity to paraphrased prototype questions decides, helped by
        its cue words; a question that resembles no topic clearly ("Say more?", "And that's
        across all jobs?"), or a short one inside a topic ("What would help with that?"),
        continues the one being discussed.
        """
        text = text.translate(_STRAIGHT)
        qs = [text[a:b] for a, b in sentence_spans(text)]
        questions = [q for q in qs if "?" in q or ASKS.search(q)] or qs[-1:]
        last_q = questions[-1]
        scores = {"other": sims.get("other", 0.0) + (0.15 if OTHER_QUESTION.search(last_q) else 0.0)}
        for k in TOPICS:
            cue = 1.0 if QUESTION_CUES[k].search(last_q) else (0.5 if QUESTION_CUES[k].search(" ".join(qs[-3:])) else 0.0)
            scores[k] = sims[k] + TOPIC["cue"] * cue
        ranked = sorted(scores, key=lambda k: -scores[k])
        best, margin = ranked[0], scores[ranked[0]] - scores[ranked[1]]
        if current is None and best != "other" and scores[best] >= TOPIC["start"]:
            return best  # nothing under discussion: the likeliest discovery topic starts
        needed = TOPIC["switch_short"] if current is not None and best != current and len(last_q.split()) <= 8 else TOPIC["switch"]
        if scores[best] >= needed and margin >= TOPIC["margin"]:
            return None if best == "other" else best
        return "follow-up"

    # -- 3. the method's rules: what a careful CSM never quotes, whatever the classifier says
    def _apply_rules(self, sentences: list[Sentence]) -> None:
        for s in sentences:
            if s.excluded:
                continue
            if QUESTIONISH.search(s.plain):
                s.excluded = "question"
            elif _content_words(s.plain) < 3:
                s.excluded = "filler"
            elif DENIAL.search(s.plain):
                s.excluded = "denied obstacle"
            elif ANECDOTE.search(s.plain):
                s.excluded = "anecdote"
            elif RELAYED.search(s.plain):
                s.excluded = "read aloud"
            elif DISOWNED.search(s.plain):
                s.excluded = "superseded goal"
            elif INTRODUCTION.search(s.plain) and not NUMBERISH.search(s.plain):
                s.excluded = "introduction"
            elif HANDED_BACK.search(s.plain):
                s.excluded = "pushed-back vendor metric"
            elif ADOPTION.search(s.plain) and NEGATIVE.search(s.plain):
                s.excluded = "pushed-back vendor metric"

    @staticmethod
    def _exclude_pitched(sentences: list[Sentence]) -> None:
        """An adoption metric said right after the vendor pitched one is the vendor's metric echoed,
        not the customer's measure (needs the question context, so it runs after the other rules)."""
        for s in sentences:
            if not s.excluded and s.after_adoption_pitch and ADOPTION.search(s.plain):
                s.excluded = "pushed-back vendor metric"

    # -- 4. choose per field, apply the revised-goal rule, say what was not answered
    def _select(self, t: Transcript, sentences: list[Sentence], meta: dict[str, float]) -> Extraction:
        live = [s for s in sentences if not s.excluded and s.scores]
        thr = {k: meta.get(f"thr_{k}", 0.5) for k in TOPICS}
        # a revised goal supersedes the earlier one, when a clear goal follows the revision: "that's not
        # the goal" said of the vendor's playback, with nothing goal-like after it, supersedes nothing
        revised = max(thr["goal"], REVISED_GOAL)
        revision = next(
            (s.order for s in sentences if REVISION.search(s.plain) and any(x.order >= s.order and x.scores["goal"] >= revised for x in live)),
            None,
        )
        chosen: dict[str, list[Sentence]] = {k: [] for k in TOPICS}
        for s in live:
            best = max(TOPICS, key=lambda k: s.scores[k])
            if best == "goal" and revision is not None and s.order < revision and s.scores["goal"] >= thr["goal"]:
                continue  # superseded goal
            chosen[best].append(s)
        fields: dict[str, list[Quote]] = {}
        unanswered: list[Unanswered] = []
        for k in TOPICS:
            ranked = sorted(chosen[k], key=lambda s: -s.scores[k])
            top = [s for s in ranked if s.scores[k] >= thr[k]][: CAPS[k]]
            if not top and ranked and ranked[0].scores[k] >= min(meta.get(f"min_{k}", 1.0), FLOOR.get(k, 1.0)):
                top = ranked[:1]  # a strong-enough candidate beats an empty field (it stays unanswered below)
            top.sort(key=lambda s: s.order)
            fields[k] = [self._quote(t.segments[run[0].seg], run[0], run[-1]) for run in _runs(top)]
            if not top or max(s.scores[k] for s in top) < meta.get(f"strong_{k}", thr[k]):
                unanswered.append(Unanswered(topic=k, follow_up=FOLLOW_UPS[k]))
        return Extraction(**fields, unanswered=unanswered)

    @staticmethod
    def _quote(seg: Segment, s: Sentence, last: Optional[Sentence] = None) -> Quote:
        return Quote(text=seg.text[s.a : (last or s).b], speaker=seg.speaker, start=seg.start, end=seg.end)

    def explain(self, t: Transcript) -> list[Sentence]:
        """Every customer sentence with its probabilities and any exclusion: for tuning and debugging."""
        an = self.analyse(t)
        self.select(t, an)
        return an.sentences


def _runs(chosen: list[Sentence], longest: int = 2) -> list[list[Sentence]]:
    """Chosen sentences that follow each other in one turn become one quote (up to `longest`
    sentences): one answer told in two sentences is one piece of evidence, not two."""
    runs: list[list[Sentence]] = []
    for s in chosen:
        prev = runs[-1][-1] if runs else None
        if prev and prev.seg == s.seg and s.order == prev.order + 1 and len(runs[-1]) < longest:
            runs[-1].append(s)
        else:
            runs.append([s])
    return runs


def bench(source: Optional[str] = None, words: int = 6000, repeats: int = 3) -> dict[str, float]:
    """Seconds for extraction + plan (model warm), on a transcript file or a synthetic ~`words`-word call.

    For `callplan bench`: prints well as `key value` lines. `embedded_texts` is how many
    sentences went through MiniLM, the part that dominates the time.
    """
    from ..plan import compose
    from .grounding import ground

    if source:
        from pathlib import Path

        from ..pipeline import load_transcript

        t = load_transcript(Path(source))
    else:
        t = synthetic_call(words)
    t0 = time.perf_counter()
    _prototype_vectors()
    field_model.shipped()
    warm = time.perf_counter() - t0
    counted: list[int] = []
    times = []
    for _ in range(repeats):
        t1 = time.perf_counter()
        ex = ground(EmbeddedExtractor(_count=counted).extract(t), t)
        compose(ex, t, None)
        times.append(time.perf_counter() - t1)
    return {
        "words": float(t.word_count()),
        "model_load_s": round(warm, 3),
        "extract_plan_s": round(min(times), 3),
        "embedded_texts": float(sum(counted) / max(1, repeats)),
    }


def synthetic_call(words: int = 6000) -> Transcript:
    """A long, varied discovery call for the benchmark (not for accuracy)."""
    from ..models import Speaker

    vendor = [
        "Thanks for joining. What does success look like for you twelve months from now?",
        "Got it. How will you know it's working, which numbers do you track?",
        "And what could get in the way?",
        "Right. Tell me more about the team and how the work flows today?",
    ]
    customer = [
        "Um, so, honestly the goal is to close the books in four days instead of nine, you know, so my team stops working weekends.",
        "We track days sales outstanding, it's fifty two days today and I want it under forty by September.",
        "What worries me is IT, they're busy with the warehouse migration until March.",
        "We have about twelve people in billing and they each handle around three hundred invoices a week.",
        "Our error rate is about six percent and I'd like it below two percent.",
        "The weather has been awful here, we had snow all weekend.",
        "We don't have the bandwidth to run a big training program during quarter close.",
        "I think the data lives in three different spreadsheets and an old transport system.",
    ]
    segs: list[Segment] = []
    n = 0
    k = 0
    clock = 0.0
    while n < words:
        v = vendor[k % len(vendor)]
        c = " ".join(customer[(k + j) % len(customer)] for j in range(3))
        for who, text in (("Alex Vendor", v), ("Casey Customer", c)):
            dur = len(text.split()) / 2.5
            segs.append(Segment(start=clock, end=clock + dur, speaker=who, text=text))
            clock += dur
            n += len(text.split())
        k += 1
    return Transcript(
        segments=segs,
        speakers=[Speaker(name="Alex Vendor", role="vendor"), Speaker(name="Casey Customer", role="customer")],
        duration=clock,
    )
