"""End of turn on human speech: how fast a finished answer gets its report, how often a thinking pause is cut.

Three sets, all from real or natural-sounding voices (espeak fools the acoustic model):

* **finished**: the 42 recordings of ../shared/speech_corpus, each followed by 6 s
  of room tone: the person has finished;
* **paused**: the same recordings cut at a word boundary mid-sentence (word times
  from a faster-whisper batch decode; never after a word ending in . ? ! or ,)
  with 1-3 s of room tone inserted before the rest: a thinking pause;
* **closes**: interview closes spoken by hibari-tts's natural voice "heart"
  (24 kHz, resampled to 16 kHz), finished and, cut the same way, paused.

For each sample and each design (``adaptive``: endpoint.EndOfTurn, the default;
``fixed``: 2.5 s of silence, the old rule) the answer is fed through the drill's
own ``listen`` and ``LiveTranscription``. Two clocks:

* **audio clock** (every sample, unpaced): where in the audio the answer ended.
  The judge waits for each pause's words to be decoded, so its decision does
  not depend on the machine's speed; a cut is an end before the speech after
  the pause starts, and every word after the cut is lost from the answer.
* **wall clock** (finished answers, ``--paced``): the audio is delivered at
  real-time pace in 100 ms blocks, each when it is complete (as a microphone
  does), and the time from the last word (its end in the batch decode) to the
  report (final words + checker) is measured. This is what the person waits.

Sources are split before any tuning: the held-out sources (HELD_OUT, and every
other close) were not looked at while choosing the thresholds; their figures
come first.

A fourth set, **fresh** (``--set fresh``): 30 more closes in the same voice
(``FRESH_CLOSES``, frozen with ``FRESH_SEED``), written after the thresholds of the
rule were fixed and never looked at while changing it: all held out. It was opened
after the cut-off rule's first run (session 28); **fresh2** (``--set fresh2``,
``FRESH2_CLOSES``) after the "dangling" rule's (session 29); **fresh3** (``--set fresh3``,
``FRESH3_CLOSES``) was first run on that rule and opened; **fresh4** (``--set fresh4``,
``FRESH4_CLOSES``) was first run on it too, and not opened: the next design is scored on it.
**real** (``--set real``): 31 more real recordings (read, spontaneous, telephone; 11
repositories, about 28 speakers) gathered in session 30 without transcripts by someone
who saw neither the rule nor its failures, first run on the rule as it stood, then opened
(bench/speech_fresh/README.md; the audio lives beside the corpus, ``RECORDED``); **real2**
(``--set real2``): 26 more gathered the same way, first run and opened after the "own pause" rule's first
run; **real3** (``--set real3``): 8 more, mostly spontaneous, first run on the rule as it stands and not opened.
Session 33 added **real4** (``--set real4``, 20 more recordings, bench/speech_fresh4), **fresh5** (``FRESH5_CLOSES``,
opened after its first run) and **fresh6** (``FRESH6_CLOSES``, closes of 2-4 sentences); fresh4, real3, real4 and
fresh6 were first run on the wait after a statement (``EndpointOptions.statement_s``). Session 34 opened fresh6 and
added **fresh7** (``FRESH7_CLOSES``, 30 closes of 2-5 sentences, about half with a question followed by more); fresh4,
real3, real4 and fresh7 are first run and not opened. Session 38 looked at fresh4, fresh6, fresh7, real3 and real4
(every set is opened now) and added **fresh8** (``FRESH8_CLOSES``) and **real5** (``--set real5``, 16 recordings,
bench/speech_fresh5), first run and not opened.

    .venv/bin/python bench/endpoint.py            # both clocks (about 25 min on a quiet machine)
    .venv/bin/python bench/endpoint.py --no-paced # audio clock only (about 5 min)
    .venv/bin/python bench/endpoint.py --reuse    # replay the pauses seen by the last run (a new rule)
    .venv/bin/python bench/endpoint.py --reuse --no-paced --enter --name endpoint_enter  # Enter 0.3 s after the last word
    .venv/bin/python bench/endpoint.py --set fresh --no-paced   # the fresh closes (FRESH_CLOSES), all held out
    .venv/bin/python bench/endpoint.py --set fresh4 --no-paced  # the closes not yet opened (FRESH4_CLOSES)
    .venv/bin/python bench/endpoint.py --set real --no-paced    # 31 more real recordings (RECORDED)
    .venv/bin/python bench/endpoint.py --set real2 --no-paced   # 26 more
    .venv/bin/python bench/endpoint.py --set real3 --no-paced   # 8 more, not opened
    .venv/bin/python bench/endpoint.py --reuse --no-paced --explain  # + every dev pause as the rule read it
    .venv/bin/python bench/endpoint.py --set fresh7 --reuse --no-paced --enter --encoder-seconds 30  # Enter, the 30 s encoder of before
    .venv/bin/python bench/endpoint.py --set real2 --reuse --no-paced --enter --live-retries  # Enter, the live retries of before

The wall-clock run prints where each answer's wait went (VAD, the rule's
silence, waiting for the pause's words to be decoded, late blocks, decode, the
checker) with the load average beside it: on a loaded machine the decode is
what grows, not the rule.

Prints tables and writes bench/results/endpoint.md and endpoint.json.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import functools
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
def beside(name: str, env: str) -> Path:
    """``../shared/NAME`` beside the clone (two levels up from a worktree under wt/), or ``$ENV``."""
    places = (Path(os.environ.get(env, "")), ROOT.parent / "shared" / name, ROOT.parents[1] / "shared" / name)
    return next((p for p in places if (p / "manifest.tsv").is_file()), places[1])


CORPUS = beside("speech_corpus", "VOICEPRACTICE_CORPUS")
RECORDED = {
    "real": (beside("speech_fresh", "VOICEPRACTICE_FRESH_SPEECH"), 3030, "bench/speech_fresh"),
    "real2": (beside("speech_fresh2", "VOICEPRACTICE_FRESH_SPEECH2"), 3031, "bench/speech_fresh2"),
    "real3": (beside("speech_fresh3", "VOICEPRACTICE_FRESH_SPEECH3"), 3032, "bench/speech_fresh3"),
    "real4": (beside("speech_fresh4", "VOICEPRACTICE_FRESH_SPEECH4"), 3033, "bench/speech_fresh4"),
    "real5": (beside("speech_fresh5", "VOICEPRACTICE_FRESH_SPEECH5"), 3034, "bench/speech_fresh5"),
}
"""The held-out sets of real recordings beside the corpus: where the audio is, the seed frozen before
the first run (its pauses' places and lengths, its room tone), and the folder whose README says where
the recordings came from. All were gathered in session 30, without transcripts, by helpers who saw
neither the rule nor its failures: ``real`` (31 recordings) and ``real2`` (26) were first run and then
opened; ``real3`` (8, mostly spontaneous) was first run and not opened: the next design is scored on it.
``real4`` (20, mostly read) was gathered the same way in session 33, before any rule was run on it;
``real5`` in session 38, the same way again, its seed frozen before it was gathered."""
SR = 16_000

HELD_OUT = {"cmusphinx/pocketsphinx", "coqui-ai/TTS", "mozilla/DeepSpeech", "Picovoice/leopard"}
"""Sources kept out of tuning (chosen by name before the first run: 18 of 42 clips)."""

CLOSES = [
    "Thank you so much for your time today. I'm really excited about this role.",
    "That all sounds great. What are the next steps in the process?",
    "I think my five years of building data pipelines would let me hit the ground running, and I'd love to be part of the team.",
    "Could you tell me a bit more about how the team measures success in the first six months?",
    "Thanks again, Dana. I really enjoyed learning about the platform work, and I hope to hear from you soon.",
    "No, I think you've covered everything. Thanks for walking me through the timeline.",
    "I led the migration of our billing system to the cloud, so the scaling problems you described are very familiar to me.",
    "When would you expect to make a decision? I'd like to plan around it.",
    "It was great talking to you. Have a good afternoon. Bye!",
    "Yes, I do have one question. What does a typical week look like for someone in this position?",
    "I'm very interested in the position, and I believe my background in analytics is a strong match for what you need.",
    "Great, thank you. I'll look out for your email, and please let me know if you need anything else from me.",
    # Added later (issue #12 asks for more closes with pauses): appended, so every earlier
    # sample keeps its split and its cut; odd ones are held out like the rest.
    "I really appreciate you explaining how the support team works with the engineers on each release.",
    "My experience running the night shift at the warehouse taught me how to keep a team calm under pressure.",
    "Is there anything about my background that makes you hesitate about moving me forward?",
    "I've enjoyed this conversation a lot, and I'm confident I could help your clinic cut its waiting times.",
    "Before we finish, could you tell me who I would be reporting to day to day?",
    "Having taught maths for six years, I know how to explain hard ideas to people who are nervous about them.",
    "Thank you for your time, Priya. I look forward to hearing about the next round.",
    "I would love the chance to bring my customer service experience to your front desk team.",
]

FRESH_CLOSES = [
    "Thank you for taking the time to speak with me this afternoon.",
    "I'm really glad we had this chat, and I'm excited about what your team is building.",
    "What would success look like for this role after the first three months?",
    "I think that's everything I wanted to ask, so...",
    "My last project cut our release time from two weeks to three days, which I'm quite proud of.",
    "How soon are you hoping to have someone start in the role?",
    "Thanks, Marcus. It's been a pleasure talking with you.",
    "I don't have any more questions right now, but I may send a follow-up email.",
    "Could you tell me what the biggest challenge facing the team is at the moment?",
    "I spent four years as a nurse on a busy ward, so working under pressure is nothing new to me.",
    "Is the position fully remote, or would I be expected in the office some days?",
    "I appreciate you being so open about the budget and the timeline.",
    "Well, I guess that's about it from my side, so...",
    "I'd be happy to provide references from my previous two managers.",
    "What do you enjoy most about working here?",
    "It sounds like a great fit, and I'd really like to move forward to the next stage.",
    "Thank you again for considering my application. I hope to hear from you next week.",
    "Who else would I be working with closely on a daily basis?",
    "I've managed budgets of over two million dollars, and I always delivered on time.",
    "Okay, that makes sense. Thanks for clarifying the salary range.",
    "Are there opportunities for training or further study once I join?",
    "Before I go, I just want to say how much I enjoyed meeting the whole panel today.",
    "I know I don't have a degree in design, but my portfolio shows what I can do.",
    "Will there be a technical test as part of the next round?",
    "Thanks so much, Elena. Enjoy the rest of your day.",
    "Coming from a small startup, I'm used to wearing many hats and learning quickly.",
    "Do you have any concerns about my experience that I could address now?",
    "I'm available to start in early March, after I finish my notice period.",
    "Right, so the next step would be a call with the director, is that correct?",
    "That's really helpful to know, and it makes me even more keen on the role.",
]
"""The fresh set (``--set fresh``): 30 closes written in session 20, after every threshold of
the rule was fixed, none of them seen by any tuning (statements, questions, thanks, two
trailing "so..."). All held out: scored once per design. Frozen with ``FRESH_SEED``."""
FRESH_SEED = 2020
"""Seeds the fresh set: the voice (FRESH_SEED + i per close), its room tone, the cut and the pause."""

FRESH2_CLOSES = [
    "Honestly, this conversation has made me even more excited about the role.",
    "Um, one last thing: what does the onboarding look like for new engineers?",
    "Thanks for walking me through the team structure, that really helped.",
    "I led a team of six analysts, and we rebuilt the reporting system from scratch.",
    "When do you expect to make a decision?",
    "I'd just like to add that I'm comfortable working across different time zones.",
    "Is there anything in my background you'd like me to expand on?",
    "Great, thank you, Sofia. I'll keep an eye out for your email.",
    "My experience running night shifts at the warehouse taught me how to keep a team calm under pressure.",
    "What are the next steps after today?",
    "I really appreciate your time, and I hope we get to work together.",
    "So yeah, I think I've covered what I wanted to say, and...",
    "How would you describe the culture on the sales floor?",
    "I've been teaching maths for eight years, and I love seeing students finally get it.",
    "Do you know roughly when the second interviews will be held?",
    "Just to recap, I bring strong project management skills and a real passion for healthcare.",
    "That all sounds great. Thanks again for the opportunity.",
    "What's the team's biggest priority for the next six months?",
    "I'm very keen on this position, and I'm confident I can hit the ground running.",
    "Would it help if I sent over a few samples of my writing?",
    "Okay, well, thank you so much for your time, and have a lovely weekend.",
    "In my current job I handle about forty customer calls a day, so I'm used to staying patient.",
    "Who would I be reporting to, and how does the team usually communicate?",
    "I'm happy to answer anything else you might need from me.",
    "Thanks, James. Talk soon.",
    "I guess my only other question is about the travel, because...",
    "I'm excited by the mission here, and I'd be proud to be part of it.",
    "Is there a probation period, and how is performance reviewed?",
    "I moved into data science from accounting, which gives me a good eye for the numbers behind the business.",
    "Once again, thank you. I really hope to hear good news soon.",
]
"""The second fresh set (``--set fresh2``): 30 closes written in session 28, after the cut-off
rule was fixed and the first fresh set opened (statements, questions, thanks, a goodbye, a
filler, two trailing off). All held out: scored once per design. Frozen with ``FRESH2_SEED``."""
FRESH2_SEED = 2828

FRESH3_CLOSES = [
    "Thank you, this has been one of the most enjoyable interviews I've had.",
    "What does a typical week look like for someone in this role?",
    "I ran the front office of a dental practice for five years, so scheduling and difficult patients are second nature to me.",
    "Could you tell me a bit more about the people I'd be working with?",
    "I'm genuinely excited about this, and I hope I get the chance to show you what I can do.",
    "Um, I think that's it for my questions.",
    "How do you measure success for the new graduates in their first year?",
    "I'd be glad to send you the dashboard I built for my current team, if that would help.",
    "Thanks for your time, Aisha. Have a great evening.",
    "Is there anything about my application you'd like me to clarify?",
    "I know the role involves a lot of travel, and that's something I'm looking forward to.",
    "When should I expect to hear back from you?",
    "Working as a line cook taught me to stay calm when everything happens at once.",
    "I've really enjoyed learning about the new warehouse, and I'd love to be part of that launch.",
    "What made you decide to join the company yourself?",
    "Just to sum up, I have the certification, I know the software, and I'm ready to start.",
    "Okay, great. Thanks so much, and I'll wait to hear from the recruiter.",
    "Would I get to meet the rest of the team before an offer is made?",
    "I wanted to mention that I'm also fluent in Spanish, which could help with your clients in Madrid.",
    "Right, well, I suppose that's everything, but...",
    "Thanks again for explaining the training programme, it's exactly what I was hoping for.",
    "How many people are on the support team at the moment?",
    "I'm confident I'd fit in well here, and I'd really like to take the next step.",
    "Are there any concerns about my experience that I could address before we finish?",
    "It was a pleasure speaking with you. Bye for now.",
    "My background in retail means I'm comfortable talking to customers all day, every day.",
    "Is the salary range in the advert still accurate?",
    "I appreciate you taking the time to answer all my questions so thoroughly.",
    "I've followed your work on accessibility for a while, and it's a big part of why I applied.",
    "Thank you, Daniel. I really hope we'll speak again soon.",
]
"""The third fresh set (``--set fresh3``): 30 closes written in session 29, after the
"dangling" rule was fixed and fresh2 opened (statements, questions, recaps, thanks, two
goodbyes, a filler, one trailing off). First run on that rule, then opened. Frozen with
``FRESH3_SEED``."""
FRESH3_SEED = 2929

FRESH4_CLOSES = [
    "I just want to say thank you for being so welcoming today.",
    "How long does the training period usually last for new starters?",
    "Over the last two years I've cut our supplier costs by about fifteen percent.",
    "What do you think the hardest part of this job will be for me?",
    "I'm really interested in the role, especially the chance to work with the research team.",
    "Thank you, Tom. Speak to you soon.",
    "Is it possible to speak with someone currently in the position?",
    "I've volunteered at the food bank for three years, so I'm used to organising people at short notice.",
    "That's great to hear. I'm very keen to move forward.",
    "Could you walk me through what happens after this call?",
    "I hope I've shown you that I'm ready for a team lead role.",
    "Are there any parts of my experience you're unsure about?",
    "Mm, no, I think you've answered everything I had in mind.",
    "My manager would tell you I'm the person who notices problems before they reach customers.",
    "Would the role involve any weekend or evening shifts?",
    "Thanks so much for your time, and good luck with the rest of the interviews.",
    "I've read a lot about your expansion into Canada, and I'd love to help with it.",
    "What would you want me to achieve in my first ninety days?",
    "I really enjoyed this, so thank you.",
    "Having worked in both sales and support, I understand what customers need from both sides.",
    "When are you hoping to make a final decision?",
    "I'd be happy to do a short trial project if that helps your decision.",
    "So, I guess, yeah, that's pretty much everything, and...",
    "What's the best thing about working on this team?",
    "I think my background in logistics would make me useful from the very first week.",
    "Okay, brilliant. Thanks again, and have a good afternoon.",
    "Is there a dress code for the office, or is it fairly relaxed?",
    "I want to stress that I'm completely committed to relocating for this job.",
    "Who will I hear from about the next stage, you or the recruiter?",
    "Thank you. It's been really great getting to know more about the company.",
]
"""The fourth fresh set (``--set fresh4``): 30 closes written in session 29 after fresh3 was
opened, first run on the "dangling" rule and then on the "handover" one (knowing it held one
close that trails off after "that's pretty much everything"); its pauses were not opened: the
next design is scored on it. Frozen with ``FRESH4_SEED``."""
FRESH4_SEED = 2930

FRESH5_CLOSES = [
    "Thank you so much for your time today, Priya. I've really enjoyed hearing about the clinic, and I'm even more excited about the role now.",
    "Yeah, just one question. What does a typical first ninety days look like for someone joining the night shift on the cardiac ward?",
    "So, to sum up, I've spent six years running Kubernetes clusters at scale, and I'd love to bring that to your platform team.",
    "I managed a store of 40 staff in Leeds and cut shrinkage by 12 percent last year, so I'm confident I could do the same here.",
    "Could you tell me roughly when you expect to make a decision, and whether there's a second round after this?",
    "I'm happy to send over references from my last two principals, and a sample unit plan if that would help.",
    "Is there anything in my background that gives you pause? I'd rather address it now than leave you wondering.",
    "Honestly, this is exactly the kind of role I've been working toward. Is there anything else you'd need from me to feel confident making an offer?",
    "That covers everything for me. Thanks for your time, Dana.",
    "I know I'm coming from twelve years in hospitality rather than tech, but that taught me to stay calm with frustrated customers. I think that's half of support work.",
    "Yeah, I'd just add that I've run a pick-and-pack team of fifteen through two peak seasons without a single missed carrier cutoff.",
    "I can send you my full portfolio link tonight, including the Figma files for the checkout redesign I mentioned.",
    "Just to recap, I've closed the books monthly in NetSuite for three years and led our switch to IFRS 16, so the reporting side feels familiar.",
    "Sorry, I think I got a bit flustered on the budgeting question earlier. Could I quickly add one example I forgot to mention?",
    "How does the team usually split work between the analysts and the data engineers? I'm curious who owns the pipelines day to day.",
    "I appreciate your time and the candid overview of the department's priorities. I remain very interested in the position and look forward to hearing from you.",
    "No questions from me. Thanks for talking with me, it was good to learn more.",
    "What's the biggest challenge the person in this role will face in their first year?",
    "So what happens next? Will I hear from you or from the recruiter, and is it likely to be this week or next?",
    "I'd also mention I'm a certified scrum master and a bit of a spreadsheet-obsessive, in the best way. Happy to show you my tracker.",
    "This would be my first full-time job, so I just want to say I'm really eager to learn. Thank you for giving me the chance to interview.",
    "I'll email over my BLS and ACLS certificates this afternoon. Thanks so much, Angela.",
    "I'll be direct, I want this job. If there's anything holding you back from moving me forward, I'd really like to hear it.",
    "How much of the role is on-call, and how is the rotation handled across time zones?",
    "I'd love to know how the school supports new staff in their first term. Is there a mentoring program or mostly informal check-ins?",
    "I'm available to start in two weeks, and I could come in for a trial shift any day except Thursday.",
    "Thanks for explaining the restructure so openly. Given that, is the headcount for this team confirmed for next year, or still under review?",
    "It's been lovely chatting with you, and I can really picture myself on this team. Please say hi to Tom for me.",
    "Great, I'll keep an eye out for that email on Friday. Bye for now, Oliver.",
    "Yeah, one last thing, I finished a twelve-week UX bootcamp in March, and my capstone was a booking app for a local vet practice.",
]
"""The fifth fresh set (``--set fresh5``): 30 closes written in session 33 by a helper who saw
neither the rule nor any set, asked for more varied speakers and shapes (a recap with numbers, a
hyphenated word, an opening "So," or "Yeah,", a name at the end). Frozen with ``FRESH5_SEED``
before its first run."""
FRESH5_SEED = 3330

FRESH6_CLOSES = [
    "Thanks for taking the time today. After eight years running calls out of the Riverside station, I'm ready for the training coordinator side of things, and this role fits that. What does the timeline look like from here?",
    "Yes, actually, one question. How do new developers usually get paired with someone senior during the first few months? My bootcamp capstone was built in React and Django, and I learned the most when someone reviewed my pull requests.",
    "I'd add that I ran forty-cover services at Marrow for three years, so a packed Friday doesn't rattle me. If there's any worry about me coming from a smaller kitchen, I'd love to hear it now. Either way, thanks, this was fun.",
    "I appreciate you walking me through the onboarding changes you're planning. Given that I coordinated benefits enrollment for roughly 600 employees at Halvorsen Group, I believe I could contribute quickly here. May I ask when you expect to make a decision?",
    "Honestly, talking with you has sharpened my interest in the role. I've run ELISA and PCR assays daily for four years, and the idea of helping set up your new sequencing lab really appeals to me. Thank you, Doctor Okafor.",
    "I know I'd be coming over from the driver's seat, so if that gives you any pause, tell me. Twelve years on the routes means I know every detour on the east side by heart. What's the next step?",
    "Can I ask how the team supports each other after a hard home visit? That matters a lot to me. I spent six years in child protection in Fresno County, and the places where people debriefed were the places people stayed.",
    "I'm going to be direct, I want this job. Last year I hit a hundred and thirty percent of quota selling Salesforce add-ons into mid-market accounts, and I'd bring that same hustle here. Is there anything stopping you from moving me forward?",
    "One question, if I may. How much involvement would this position have with clients during the schematic design phase? In eleven years at Brandt and Liu I led client workshops on two library projects, and that was the part I enjoyed most.",
    "Not much to add, except that I'd really love to work here. I've run the teen coding club at Maple Street Branch since 2019, and I'd be glad to bring it along. Thank you so much, Joanne.",
    "Just that I'm licensed in both Ohio and Kentucky, so travel between your sites isn't a problem. When would you want someone to start?",
    "I'm curious how the group decides which research questions move forward into product work. I spent five years on protein folding models for my dissertation, and I'd like to understand how that depth gets used here. Thank you for a genuinely interesting discussion.",
    "Sorry, I'm a little nervous, but could I ask about scheduling? Would I be working mostly nights on the cardiac unit at first, or does that rotate? I'm fine with either, I just want to plan my childcare.",
    "If you need anything else from me, references or the forklift safety audit I put together, I can email it tonight. I cut our pick errors by about a third in eighteen months, and I'd like to do that work full time.",
    "What would success look like in the first ninety days? I work best with a clear target, like last summer when I rebuilt the seventh grade science units in Articulate Rise. Thanks, Priya, I really enjoyed this.",
    "Before we finish, I'd like to confirm my interest in the senior accountant position. I led the migration from QuickBooks to NetSuite at my current firm, closing the books in five days instead of twelve. Please let me know if you need anything further.",
    "Oh, I think you've covered pretty much everything! The only thing I'd ask is whether the manager gets a say in scheduling, because I basically built the rota at my current shop for two years anyway. Lovely chatting with you!",
    "I guess my only question is about travel. The posting mentioned site visits, and I'd want to know roughly how many weeks a year that means. Other than that, I think my SolidWorks background lines up well with what you described.",
    "Is there anything in my background that concerns you, or anything I could clarify? I know my e-discovery experience is mostly in Relativity rather than the platform you use, but I picked up Relativity in about two weeks.",
    "Thank you, Marcus. Hearing about your return-to-sport program made me want this even more, since that's exactly what I did with high school athletes in Tacoma for five years. I hope we get to work together.",
    "How is the analytics team split between ad hoc requests and longer projects? At the credit union I spent most of my time building Power BI dashboards, and I'd like a bit more room for deeper analysis. That's really all, thanks.",
    "No questions, really. I've been framing houses for twenty years and can start the Monday after next. I'd like the job.",
    "I can send over the campaign deck from the spring launch if that would help, it shows the forty percent bump in email sign-ups we talked about. And I'm curious, who would I be working with most day to day?",
    "Okay, I think I'd just like to say this would mean a lot to me. I've trained most of the new hires on our Zendesk queue over the past year without the title, and I'd love to do it officially. Thank you.",
    "When should I expect to hear back, and will there be a second round with the clinical director? I ask only because I have one other offer pending, though Westbrook Hospital is my first choice. I really appreciated the conversation.",
    "I should mention that I've translated over two hundred medical consent forms from Spanish and Portuguese, so your hospital contract work is familiar ground. Would a short sample translation be useful? I'm happy to send one this week.",
    "I spent twenty-two years in the Army, the last six running logistics for a unit of about four hundred, and I'm confident that carries over to your operations role. What would you say is the biggest challenge the team is facing right now?",
    "Do you need anything else from me before the next round, like the Figma files behind my portfolio? Happy to share them. And thanks, Leah, it was nice to actually hear how the brand team works.",
    "I don't have any questions left, you were really thorough. I'd just say I've worked with kids and anxious patients for nine years, which sounds like a good match for your practice. Have a lovely afternoon, and thank you.",
    "After hearing about the Kubernetes migration, I really hope I get to be part of it. I did almost the same move at Fintrail in 2022. If anything I said gave you doubts, I'd rather address it now than guess later.",
]
"""The sixth fresh set (``--set fresh6``): 30 closes of 2-4 sentences each, written in session 33 by a
helper who saw neither the rule nor any set, after fresh5's first run showed closes of several
sentences ended at the gap between two of them. First run on the rule before and after
``statement_s`` (the wait after a statement) moved; frozen with ``FRESH6_SEED`` before either."""
FRESH6_SEED = 3331

FRESH7_CLOSES = [
    "Yeah, actually, I did have a couple. How are patient ratios handled on the cardiac floor when someone calls out sick? And is there much floating between units on nights? Thanks, Denise, this has been a really helpful conversation.",
    "No, I think that's everything on my end. I appreciate you calling me back so quickly, and I'm definitely still interested in the apprenticeship. Just let me know if you need anything else from me.",
    "Sure, one thing I'm curious about. How does the platform team decide what goes on the roadmap versus what gets pushed back to product? I ask because in my last role that boundary was pretty fuzzy, and it caused a lot of friction. Anyway, thanks, Raj, I've really enjoyed this.",
    "Um, just one thing, and sorry if it's a bit forward. Do you know roughly what the starting pay is for the assistant manager position? The posting didn't list it. Otherwise everything sounds great, and I'd love to move forward.",
    "I think you've given me a really good picture of the school, so thank you. The only thing I'd still like to know is how much freedom teachers have with the seventh grade science curriculum. Is it pretty scripted, or is there room to bring in my own projects?",
    "Not really a question, more just to add something. I know we talked mostly about scheduling, but I've also handled carrier negotiations at my current warehouse and cut our freight costs by about twelve percent. So I think I'd fit the coordinator role pretty well. Thanks for your time today.",
    "Oh, um, I don't know, I guess I don't really have anything. I mean, I read the website and stuff, so I sort of know what the firm does. Maybe, like, what the hours are during tax season? But that's fine, I can probably find that out later. Yeah, so, thanks.",
    "That's all from me, Marco. Honestly the hotel sounds like a great place to work, and I love that the front desk team cross-trains with concierge. Thanks so much for calling, and have a good rest of your evening. Bye now.",
    "Yes, two quick ones, if that's okay. What's the usual timeline for the background check with the county? And would I need to be in the office every day, or is there a hybrid option after probation? Either way, I appreciate you walking me through everything.",
    "Actually, yeah. Could you tell me a little more about who I'd be working with day to day, like is it mostly the marketing folks or the product team too? I really like collaborating closely with copywriters, so that would help me picture it. This sounds like a really fun studio.",
    "Hmm, I'm probably good for now, though I might email you a question or two once I've had a chance to think. I'm a bit curious which mass spec instruments the lab is running, but that can definitely wait. Thanks again for your time, Doctor Okafor.",
    "Nope, I'm all set. Sounds like a good outfit, and I'm happy to come in for the ride-along whenever works for you guys. Just give me a call and I'll make it happen.",
    "I do have one, and it's a bigger picture question. Where do you see the biggest gap on the leadership team right now, the thing you'd want this hire to fix in the first six months? I ask because I'd rather know the real problem than the job description. Thanks for being so candid today, Karen.",
    "Oh, I just wanted to mention that I'm available to start pretty much right away, like next Monday if you need. I don't have any trips or anything planned. And thank you so much, I'm really excited about this.",
    "No, that was all really clear, thanks. I've driven a forklift for about four years now, so I feel pretty comfortable with everything you described. What's the next step from here, would I come in for an in-person interview?",
    "Sorry, I know we're already a bit over time, so I'll be quick. Is the team mostly working in SQL and Python, or is there still a lot of Excel? I only ask because I've been doing a lot of dbt lately and I'd love to keep using it. Thanks so much, I really appreciate it.",
    "Yeah, I was wondering what the schedule looks like. Is it four tens, or more like five eight-hour days? I've got a little one in daycare, so I just want to plan ahead. But everything else sounds wonderful, thank you.",
    "I don't have any questions, Chef, I think you covered it all. I just want to say I'd really love to work in a kitchen that does whole animal butchery, that's exactly where I want to grow. Thanks for giving me a shot at the stage.",
    "So, yeah, I guess my question would be, um, like what the tech stack is? Oh wait, you already said React, sorry. Um, then maybe what a normal day is like? Actually, you kind of covered that too. Okay, I think I'm good then, thanks.",
    "I'd just like to add that I really appreciated hearing how the agency supports caseworkers after difficult home visits. That kind of thing matters a lot to me, and it's not something every place talks about openly. Thank you for taking the time, Angela.",
    "Just a couple things. Are the routes mostly regional, or would I be out over the road for a week at a time? And do you guys let drivers take their trucks home on the weekends?",
    "I think that's it for now. If anything, I'd maybe want to understand a little better how the controller role splits work with the outside auditors, but honestly that might be a conversation for the next round. I really enjoyed talking with you, Steve.",
    "Could you tell me what the next steps look like and roughly when I'd hear back? I ask just because I'm in late stages with another firm. To be clear, this one's my first choice, especially with the adaptive reuse work you mentioned. Thanks, Priya.",
    "No questions from me. Thanks for the call, and I'm free for whatever shifts you need, nights and weekends included. I look forward to hearing from you, hopefully soon.",
    "Actually, yes, I wanted to ask about funding. Is the postdoc covered for the full two years, or is the second year dependent on the renewal coming through? Sorry if that's blunt, I've just been burned before. Either way, the project sounds fascinating.",
    "Yeah, the one thing we didn't really get into was pay. I'm making around thirty-two an hour now plus a company truck, so I'd want to be somewhere in that range or a bit better. Is that doable for this position?",
    "I'm all set, Tom, thank you. It was really nice to hear more about the literacy program and how it's grown since the pandemic. I'll send over those references tonight. Thanks again and take care, bye.",
    "Oh, sorry, one more thing, I almost forgot. Is the help desk role on-site full time, or is there any remote? I'm about forty minutes out, so it would help to know. But yeah, thank you, this was great.",
    "Just to sum up from my side, I've spent eight years running a busy retail pharmacy and the last three training new pharmacists, so the clinical lead role feels like a natural next step. I'm really keen on it. Thanks for your time this morning.",
    "This has been great, thank you. I love that the events team gets involved from the first client call instead of just the day-of stuff. I guess my last question is, what would success look like for me in the first ninety days?",
]
"""The seventh fresh set (``--set fresh7``): 30 closes of 2-5 sentences, about half with a question
followed by more, written in session 34 by a helper who saw neither the rule, the code nor any set, after
fresh6 was opened. First run on the rule as shipped and on the one candidate chosen on the opened sets,
both fixed before it was run; frozen with ``FRESH7_SEED`` before either."""
FRESH7_SEED = 3332

FRESH8_CLOSES = [
    "Um, yeah, I guess just one thing. Would I be, like, riding along with a journeyman the first few months, or is it more on my own? I'm fine either way, I just wanna know what to expect. Thanks for taking the time, Mike.",
    "No, I think you pretty much covered everything, honestly. I'm available whenever you need me to start. Thanks a lot, and have a good one.",
    "Yes, actually, I did have one. What does the nurse-to-patient ratio usually look like on nights, like, is it four to one or does it go up to five? I ask because my last unit was, uh, pretty stretched. But otherwise I'm really excited about this, so thank you.",
    "Sure, a couple quick ones. How's the on-call rotation structured, and how often does it actually get paged after hours? And, uh, second, what would success look like in the first ninety days for this role?",
    "I think you covered most of it, Ms. Alvarez. I guess I'd just add that I've, um, I've done two years of co-teaching in an inclusion classroom, which I didn't really get to mention earlier. So I'd be comfortable with the, uh, the IEP side of things. Thanks so much for your time.",
    "Nah man, I'm good. Just, uh, what's the schedule looking like, is it mostly nights and weekends? 'Cause I got my kid on Tuesdays, so that's the only thing, but otherwise I'm flexible. Appreciate you, man.",
    "Thank you, I appreciate that. Could you tell me a little more about the timeline for the next round? I'd also be happy to send over the modeling sample we discussed, if that would be useful for the team.",
    "Yeah, just one. Is the second shift supervisor spot, um, is that salaried or hourly with overtime? Either way works, I just wanna know how to plan. And I can get you my references by tomorrow if you need 'em.",
    "I don't think so, no, you were really thorough. I mean, I'd love to, uh, see the lab if there's an on-site stage, but I assume that comes later. So, yeah, thanks again, Dr. Patel, I really enjoyed the conversation.",
    "Just, um, what's the next step in the process? I know with county positions there's sometimes like a, a civil service list or something. Or is it just a second interview after this?",
    "Oh, um, yeah, I actually had a couple. Okay, so the first one was, like, how big is the design team right now, like is it just you and one other person or, sorry, I'm rambling. I guess I'm just curious who I'd be working with day to day. And also is there a, um, a portfolio review or anything like that coming up?",
    "No further questions from me, Karen. I'll just say, having heard more about where the department's headed, I'm even more convinced this is the right fit. I'd really like the opportunity to lead this team, and I hope we get to keep the conversation going.",
    "Um, no, I don't think so. Oh wait, actually, do I need to, like, bring anything on the first day, if I get it? Like a food handler card or something? Okay, sorry. Thank you.",
    "Yeah, one thing I wanted to clarify. The posting said hybrid, so is that, um, two days a week in the office or is it more flexible than that? I'm about forty minutes out, so it's not a deal breaker, I'm just trying to get a sense of it.",
    "Yeah, I did wanna ask about pay, if that's okay. What's the range you're looking at for this position? I was making about forty-one an hour at my last office, so I just kinda wanna make sure we're in the same ballpark.",
    "I just, um, I wanted to apologize again for being a few minutes late getting on the call, my, uh, my train got held up. That's not usually me at all. Otherwise, no, no questions, you answered everything. Thanks, Jordan, have a good afternoon.",
    "Yeah, how many nights out a week are we talking, usually? Because the last company said home weekends and it was, like, every other weekend if I was lucky. Other than that I'm good. Clean record, and I can start Monday.",
    "Um, I guess, what does onboarding look like? Like, is there formal training on your data stack, or is it more, you know, pick it up as you go? Either's fine, I'm just curious. Okay, and that's it from me, thanks so much.",
    "Nope, I think that pretty much covers it for me. Thanks for the call, and I look forward to hearing back from you. Bye now.",
    "Actually, yeah, I was wondering if the company helps pay for the PTCB exam. I've been studying for it but I haven't, uh, I haven't scheduled it yet. If there's, like, tuition help or anything, that'd be amazing.",
    "I don't have any further questions at this time. I did want to mention that I have three references ready, including my current controller, and I can email those over this afternoon. Thank you again for your time, Mr. Henderson.",
    "Oh, totally, um, so like, is it cool if I, like, pick up extra shifts during the summer? 'Cause I'm a student and I'll have way more time then. Okay, yeah, that's literally it. Thanks, this was super chill.",
    "Yes, a couple of things. Can you tell me a bit about the team I'd be inheriting, like, how long folks have been there and, um, whether there's been much turnover? And is the previous manager still with the organization?",
    "Nah, I think I'm good. I mean, I do have my own tools, so that's not an issue, and I'm ASE certified in brakes and suspension, which I, uh, forgot to say earlier. So yeah. Appreciate you calling me, Dave.",
    "Um, what does the, uh, the training period look like? I read it's like six weeks in Dallas, is that still right? And is housing covered during that, or, yeah, I was just curious about that part.",
    "Um, no, I, well, actually, yes. Sorry. I wanted to ask when you'd be making a decision? Not to be pushy, I just have another, uh, another interview process going and I wanna be upfront about that. But this is definitely my first choice.",
    "I think the only thing I'd add is that I'm, you know, fully bilingual in Spanish, which I know comes up a lot with the families you serve. Um, and I'm happy to do a caseload sample or whatever the next step is. Thank you, Angela, I really appreciated learning about the program.",
    "I'll be honest with you, Tom, I want this job. I think my numbers speak for themselves, I was at about a hundred and twelve percent of quota last year, and I'd bring that same energy to your territory. Is there anything you heard today that would make you hesitate to move me forward?",
    "Just one, yes. Would the position involve a lot of evening events, openings and that sort of thing? I'm happy to do them, I just have a, um, a standing commitment on Thursday nights. Well, thank you so much, it was lovely to talk to you. Goodbye.",
    "No questions, really. You guys run a clean operation from what I've heard, and that's what I'm looking for. I'll be around all week if you wanna set up the plant walk-through.",
]
"""The eighth fresh set (``--set fresh8``): 30 closes of 2-5 sentences, about half with a question followed by
more, written in session 38 by a helper who saw neither the rule, the code nor any set. First run on the rule as
shipped after the trailing-question cue; frozen with ``FRESH8_SEED`` before it."""
FRESH8_SEED = 3333

SETS = {
    "fresh": (FRESH_CLOSES, FRESH_SEED),
    "fresh2": (FRESH2_CLOSES, FRESH2_SEED),
    "fresh3": (FRESH3_CLOSES, FRESH3_SEED),
    "fresh4": (FRESH4_CLOSES, FRESH4_SEED),
    "fresh5": (FRESH5_CLOSES, FRESH5_SEED),
    "fresh6": (FRESH6_CLOSES, FRESH6_SEED),
    "fresh7": (FRESH7_CLOSES, FRESH7_SEED),
    "fresh8": (FRESH8_CLOSES, FRESH8_SEED),
}
"""The held-out sets of closes beside the corpus: texts and seed."""


HELD_OUT_SETS = (*SETS, *RECORDED)
"""Every set beside the corpus: all held out."""


def set_stem(sample_set: str) -> str:
    """The stem of a set's files in bench/results: its words, traces and (by default) results."""
    return f"endpoint_{sample_set}" if sample_set in HELD_OUT_SETS else "endpoint"


@dataclass
class Sample:
    name: str
    kind: str  # finished | paused
    source: str
    held_out: bool
    audio: np.ndarray = field(repr=False)
    last_word: float  # end of the last word (finished) or of the word before the pause (paused)
    resume: float | None = None  # paused: where speech starts again
    pause_s: float | None = None
    ref_words: list[tuple[str, float, float]] = field(default_factory=list, repr=False)


def noise(samples: int, rng: np.random.Generator) -> np.ndarray:
    """``samples`` of quiet room noise."""
    return (rng.standard_normal(samples) * 0.0015).astype(np.float32)


def room_tone(seconds: float, rng: np.random.Generator) -> np.ndarray:
    return noise(int(seconds * SR), rng)


def corpus_clips(root: Path = CORPUS) -> list[tuple[str, str, np.ndarray]]:
    """The recordings a manifest.tsv under ``root`` lists: name, source repository, audio at 16 kHz."""
    from voicepractice.audio import load_audio

    if not (root / "manifest.tsv").is_file():
        raise SystemExit(f"no manifest.tsv at {root}: see its README under bench/ (speech_fresh*) or ../shared")
    with open(root / "manifest.tsv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(Path(r["file"]).stem, r["source_repo"], load_audio(root / r["file"])) for r in rows]


def close_clips(
    texts: list[str] = CLOSES, stem: str = "hibari-close", seed: int = 0
) -> list[tuple[str, str, np.ndarray]]:
    """``texts`` spoken by hibari's "heart" voice, with room tone; close i is seeded with ``seed + i``."""
    from hibari import SAMPLE_RATE, Hibari

    from voicepractice.audio import resample

    tts = Hibari(voice="heart")  # the voice inside the wheel: any other would download
    out = []
    for i, text in enumerate(texts):
        k = seed + i
        audio = np.asarray(tts(text, seed=k), dtype=np.float32)
        audio = resample(audio, SAMPLE_RATE, SR) * 0.5
        lead = room_tone(0.5, np.random.default_rng(100 + k))
        out.append((f"{stem}-{i:02d}", "hibari-tts/heart", np.concatenate([lead, audio + noise(audio.size, np.random.default_rng(k))])))
    return out


THINKING_PAUSES_S = (1.0, 1.5, 2.0, 2.5, 3.0)
"""The lengths a thinking pause is given, one drawn per recording."""


def mid_sentence_boundary(texts: list[str], rng: np.random.Generator) -> int | None:
    """A word boundary mid-sentence, away from both ends: the index of the word after it (None: none)."""
    lo, hi = max(1, len(texts) // 4), max(1, (3 * len(texts)) // 4)
    choices = [k for k in range(lo, hi) if not texts[k - 1].endswith((".", "?", "!", ","))]
    return int(rng.choice(choices)) if choices else None


def build_samples(seed: int = 7, sample_set: str = "corpus") -> list[Sample]:
    """The corpus and the closes, or one of ``SETS`` instead (every sample held out)."""
    from voicepractice.transcribe import Transcriber

    transcriber = Transcriber()
    fresh = sample_set in HELD_OUT_SETS
    if sample_set in RECORDED:
        root, set_seed, _ = RECORDED[sample_set]
        clips = corpus_clips(root)
    elif sample_set in SETS:
        texts, set_seed = SETS[sample_set]
        clips = close_clips(texts, f"hibari-{sample_set}", set_seed)
    else:
        set_seed = seed
        clips = corpus_clips() + close_clips()
    rng = np.random.default_rng(set_seed)
    samples: list[Sample] = []
    # The batch decode's word times, kept so reruns agree.
    cache_file = RESULTS / f"{set_stem(sample_set)}_words.json"
    cache: dict[str, list] = json.loads(cache_file.read_text()) if cache_file.is_file() else {}
    for n, (name, source, audio) in enumerate(clips):
        held = fresh or source in HELD_OUT or (source.startswith("hibari") and n % 2 == 1)
        if name not in cache:
            cache[name] = [(w.text, w.start or 0.0, w.end or 0.0) for w in transcriber.words(audio)]
            RESULTS.mkdir(parents=True, exist_ok=True)
            cache_file.write_text(json.dumps(cache, indent=0), encoding="utf-8")
        words = [tuple(w) for w in cache[name]]
        if not words:
            print(f"  skipped {name}: no words", file=sys.stderr)
            continue
        tail = room_tone(6.0, rng)
        samples.append(Sample(name, "finished", source, held, np.concatenate([audio, tail]), words[-1][2], ref_words=words))
        k = mid_sentence_boundary([w[0] for w in words], rng)
        if k is None:
            continue
        cut = (words[k - 1][2] + words[k][1]) / 2
        pause = float(rng.choice(THINKING_PAUSES_S))
        c = int(cut * SR)
        paused = np.concatenate([audio[:c], room_tone(pause, rng), audio[c:], tail])
        shifted = [(t, s + (pause if s >= cut else 0), e + (pause if s >= cut else 0)) for t, s, e in words]
        samples.append(Sample(name, "paused", source, held, paused, words[k - 1][2], resume=words[k][1] + pause, pause_s=pause, ref_words=shifted))
    return samples


def paced_blocks(audio: np.ndarray, t0: float) -> Iterator[np.ndarray]:
    """100 ms blocks, each delivered when its last sample has 'been spoken' (a microphone's timing)."""
    from voicepractice.listen import BLOCK

    for i in range(0, audio.size, BLOCK):
        block = audio[i : i + BLOCK]
        delay = t0 + (i + block.size) / SR - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield block


def observe(s: Sample) -> list[list]:
    """Every pause of a sample as the judge sees it: [speech end, longest silence, probability, words].

    The judge's decision at a pause depends only on these (the words are waited
    for), so any policy can then be replayed on the audio clock without decoding again.
    """
    from voicepractice.endpoint import EndOfTurn, load_turn_model
    from voicepractice.listen import ListenOptions, listen, recording_blocks
    from voicepractice.transcribe import LiveTranscription, Transcriber

    live = LiveTranscription(Transcriber())
    model = load_turn_model()
    pauses: list[list] = []

    class Observer(EndOfTurn):
        def should_end(self, silence_s, speech_end, audio):  # type: ignore[no-untyped-def]
            if silence_s < 0.2:
                return False
            if not pauses or pauses[-1][0] != speech_end:
                text = live.text_through(speech_end, wait=True)
                pauses.append([speech_end, silence_s, model.probability(audio()), text, live.cut_off_through(speech_end)])
            pauses[-1][1] = silence_s
            return silence_s >= 5.5

    listen(recording_blocks(s.audio, paced=False), ListenOptions(enter_ends=False), on_chunk=live.submit_chunk, judge=Observer())
    live.finish()
    return pauses


def pause_at(pauses: list[list], last_word: float, within: float = 0.6) -> list | None:
    """The observed pause that began nearest ``last_word`` (a sample's real end, or the word before
    its inserted pause), if one began within ``within`` s of it: the labelled pause."""
    near = [p for p in pauses if abs(p[0] - last_word) <= within]
    return min(near, key=lambda p: abs(p[0] - last_word)) if near else None


@functools.cache
def completeness(text: str) -> float | None:
    """The text head's reading of the words at a pause (the drill's own function), once per text."""
    from voicepractice.completeness import complete_probability

    return complete_probability(text) if text.strip() else None


def decide(pauses: list[list], rule: str, o: object) -> float:
    """Where the answer ends (seconds into the audio) under ``rule``, replaying the observed pauses."""
    from voicepractice.endpoint import own_pause_wait, required_silence, transcript_cue

    went_on = 0.0  # the longest pause the person went on after (EndOfTurn.went_on_s)
    for speech_end, longest, prob, text, *rest in pauses:
        cut_off = rest[0] if rest else None  # traces from before session 28 have no cut-off reading
        if rule == "fixed":
            wait = 2.5
        else:
            wait = required_silence(prob, transcript_cue(text or ""), o, completeness(text or ""), cut_off)  # type: ignore[arg-type]
            wait = own_pause_wait(wait, went_on, o)  # type: ignore[arg-type]
        if longest >= wait - 1e-6:
            return speech_end + wait
        went_on = max(went_on, longest)
    return pauses[-1][0] + pauses[-1][1] if pauses else 0.0


def explain(samples: list[Sample], traces: dict[str, list[list]], o: object) -> list[str]:
    """Every pause of the dev samples as the rule read it, for design work (``--explain``).

    Held-out samples are left out: what made the rule fail there must not steer the next one.
    """
    from voicepractice.endpoint import required_silence, transcript_cue

    lines = ["| sample | outcome | speech end | silence | Smart Turn | text head | cut off | cue | wait | words (end) |",
             "|---|---|---:|---:|---:|---:|---:|---|---:|---|"]  # fmt: skip
    for s in samples:
        if s.held_out:
            continue
        pauses = traces[f"{s.kind}:{s.name}"]
        ended = decide(pauses, "adaptive", o)
        if s.kind == "finished":
            outcome = f"finished, waited {ended - s.last_word:.2f} s"
        else:
            outcome = f"{'CUT' if ended < (s.resume or 0) else 'held'} ({s.pause_s} s pause after {s.last_word:.2f} s)"
        for n, (speech_end, longest, prob, text, *rest) in enumerate(pauses):
            cut_off = rest[0] if rest else None
            cue, complete = transcript_cue(text or ""), completeness(text or "")
            wait = required_silence(prob, cue, o, complete, cut_off)  # type: ignore[arg-type]
            end = " ".join((text or "").split()[-9:]).replace("|", "/")
            head = f"{s.kind}:{s.name}" if n == 0 else ""
            lines.append(f"| {head} | {outcome if n == 0 else ''} | {speech_end:.2f} | {longest:.2f} | "
                         f"{'-' if prob is None else f'{prob:.3f}'} | {'-' if complete is None else f'{complete:.2f}'} | "
                         f"{'-' if cut_off is None else f'{cut_off:.4f}'} | {cue or ''} | {wait:.1f}{' ←' if longest >= wait - 1e-6 else ''} | {end} |")  # fmt: skip
            if longest >= wait - 1e-6:
                break
    return lines


def run_paced(s: Sample, rule: str = "adaptive") -> dict:
    """The drill's own path at real-time pace: last word -> report, on the wall clock."""
    from voicepractice.check import check
    from voicepractice.endpoint import EndOfTurn
    from voicepractice.listen import ListenOptions, listen
    from voicepractice.transcribe import LiveTranscription, Transcriber, make_transcript

    live = LiveTranscription(Transcriber())
    options = ListenOptions(enter_ends=False, end_silence_s=2.5 if rule == "fixed" else None)
    judge = EndOfTurn(options.endpoint, transcript=live.text_through, cut_off=live.cut_off_through) if rule == "adaptive" else None
    t0 = time.monotonic()
    cap = listen(paced_blocks(s.audio, t0), options, on_chunk=live.submit_chunk, judge=judge)
    t_decided = time.monotonic()
    words = live.finish(cap.audio)  # as the drill: an answer in doubt is read again whole
    t_words = time.monotonic()
    check(make_transcript(words, cap.duration, "tiny.en"))
    t_report = time.monotonic()
    last_word = t0 + s.last_word
    verdict = judge.pauses[-1] if judge and judge.pauses else None
    speech_end = cap.speech_end if cap.speech_end is not None else s.last_word
    rule_wait = verdict.wait_s if verdict else (options.end_silence_s or 0.0)
    if verdict is not None and verdict.text is None:
        # Ended by the cap before the pause's words were decoded: the rule would have asked
        # for what these words call for; the rest of the wait was the decode.
        from voicepractice.endpoint import required_silence, transcript_cue

        text = " ".join(w.text for w in words)
        rule_wait = required_silence(verdict.probability, transcript_cue(text), options.endpoint, completeness(text))
    return {
        "last_word_to_report_s": round(t_report - last_word, 3),
        # Where the time went, in order: the VAD hearing the speech end after the last word ends;
        # the silence the rule asks for; more silence while the pause's words were still being
        # decoded (the judge waits for them, so the report is ready when it fires: this is what
        # a slow or loaded machine adds); audio blocks handled late; decode left after the
        # decision; the checker.
        "vad_tail_s": round(speech_end - s.last_word, 3),
        "rule_wait_s": round(rule_wait, 3),
        "words_wait_s": round(cap.duration - speech_end - rule_wait, 3),
        "decision_late_s": round((t_decided - t0) - cap.duration, 3),
        "final_decode_s": round(t_words - t_decided, 3),
        "check_s": round(t_report - t_words, 3),
        "ended_at_s": round(cap.duration, 3),
        "verdict": judge.describe() if judge else {},
        "rule": rule,
        "load": round(os.getloadavg()[0], 1),
    }


@dataclass
class EnterRun:
    """One answer ended by Enter: what ``listen`` captured, its live transcription, and the wall-clock
    moments (time.monotonic()) from the start to the report."""

    capture: Any
    live: Any
    t0: float
    enter: float
    """When the last block before Enter was complete."""
    listen_returned: float
    words: float
    report: float


def time_enter(s: Sample, after: float = 0.3) -> EnterRun:
    """Enter pressed ``after`` s after the last word (the recording stops there), at real-time pace,
    through the drill's own ``listen``, ``EndOfTurn``, live transcription and checker."""
    from voicepractice.check import check
    from voicepractice.endpoint import EndOfTurn
    from voicepractice.listen import ListenOptions, listen
    from voicepractice.transcribe import LiveTranscription, Transcriber, make_transcript

    live = LiveTranscription(Transcriber())
    options = ListenOptions(enter_ends=False)
    judge = EndOfTurn(options.endpoint, transcript=live.text_through, cut_off=live.cut_off_through)
    t0 = time.monotonic()
    stop = int((s.last_word + after) * SR)
    cap = listen(paced_blocks(s.audio[:stop], t0), options, on_chunk=live.submit_chunk, judge=judge)
    t_listen = time.monotonic()
    words = live.finish(cap.audio)  # as the drill: an answer in doubt is read again whole
    t_words = time.monotonic()
    check(make_transcript(words, cap.duration, "tiny.en"))
    return EnterRun(cap, live, t0, t0 + stop / SR, t_listen, t_words, time.monotonic())


def run_enter(s: Sample, after: float = 0.3) -> dict:
    """Enter -> report on the wall clock. Only the decode of what the pause's snapshot did not
    cover, and the checker, should be left."""
    r = time_enter(s, after)
    return {"name": s.name, "held_out": s.held_out, "enter_to_report_s": round(r.report - r.enter, 3),
            "late_s": round(r.listen_returned - r.enter, 3), "decode_s": round(r.words - r.listen_returned, 3),
            "check_s": round(r.report - r.words, 3), "ended_by": r.capture.ended_by,
            "snapshot": r.live.reused_snapshots > 0, "load": round(os.getloadavg()[0], 1)}  # fmt: skip


REOPEN_WINDOW_S = 0.1
"""From the decision to the drill's last look at the microphone before the next line (floor.Watch):
the line is made ready first, then looked past. With no reply to render that is 0.04-0.11 s
(bench/reopen_window.py, private PulseAudio, load 5); a reply adds its decode and its voice
(2.5 s on a fresh install at load 5, more on the first answer while the models load):
``--reopen-window 2.5``."""
ONSET_S = 0.1
"""The resumed speech's first 100 ms block must have arrived by the look: the VAD then says speech is
under way, and the look waits it out (a resumed sentence passes ``floor.MIN_SPEECH_S``; a cough would not)."""


def reopened(ended: float, resume: float | None, window: float) -> bool:
    """A pause ended too early whose speech the drill hears before the next line starts, reopening the answer."""
    return resume is not None and ended < resume <= ended + window - ONSET_S


def score(samples: list[Sample], traces: dict[str, list[list]], rule: str, o: object,
          reopen_window: float = REOPEN_WINDOW_S) -> list[dict]:  # fmt: skip
    rows = []
    for s in samples:
        ended = decide(traces[f"{s.kind}:{s.name}"], rule, o)
        cut = bool(s.resume is not None and ended < s.resume)
        row = {
            "name": s.name, "kind": s.kind, "source": s.source, "held_out": s.held_out, "rule": rule,
            "ended_at_s": round(ended, 3), "last_word_s": round(s.last_word, 3), "pause_s": s.pause_s,
            "resume_s": s.resume, "cut": cut, "cut_after_reopen": cut and not reopened(ended, s.resume, reopen_window),
            "ref_words": len(s.ref_words), "words_lost": sum(1 for _, start, _ in s.ref_words if start >= ended),
        }  # fmt: skip
        if s.kind == "finished":
            row["wait_audio_s"] = round(ended - s.last_word, 3)
        rows.append(row)
    return rows


def summarize(vals: list[float]) -> dict:
    vals = sorted(vals)
    if not vals:
        return {}
    p95 = vals[min(len(vals) - 1, int(round(0.95 * (len(vals) - 1))))]
    return {"n": len(vals), "median": round(statistics.median(vals), 3), "p95": round(p95, 3), "max": round(vals[-1], 3)}


def table(rows: list[dict], paced: list[dict]) -> list[str]:
    lines = [
        "| rule | split | finished: silence waited after the last word, median / p95 (s) | finished: last word → report, real time, median / p95 (s) | thinking pauses cut | cut, counting reopened answers | finished answers ended before their last word | words after the end |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for rule in ("adaptive", "fixed"):
        for split, pick in (("held-out", True), ("dev (tuned on)", False), ("all", None)):
            sel = [r for r in rows if r["rule"] == rule and (pick is None or r["held_out"] == pick)]
            audio = summarize([r["wait_audio_s"] for r in sel if r["kind"] == "finished"])
            wall = summarize([p["last_word_to_report_s"] for p in paced if p.get("rule", "adaptive") == rule and (pick is None or p["held_out"] == pick)])
            paused = [r for r in sel if r["kind"] == "paused"]
            cut = sum(r["cut"] for r in paused)
            lost = sum(r["words_lost"] for r in sel)
            total = sum(r["ref_words"] for r in sel)
            a = f"{audio['median']:.2f} / {audio['p95']:.2f}" if audio else "-"
            w = f"{wall['median']:.2f} / {wall['p95']:.2f}" if wall else "-"
            pct = f"{cut}/{len(paused)} ({100 * cut / len(paused):.1f}%)" if paused else "-"
            still = sum(r["cut_after_reopen"] for r in paused)
            pct_reopen = f"{still}/{len(paused)} ({100 * still / len(paused):.1f}%)" if paused else "-"
            # An answer ended at a pause before its last word counts as a negative wait in the
            # median (it lowers it): the count says how many did.
            early = [r for r in sel if r["kind"] == "finished"]
            early_cell = f"{sum(r['wait_audio_s'] < 0 for r in early)}/{len(early)}" if early else "-"
            lines.append(f"| {rule} | {split} | {a} | {w} | {pct} | {pct_reopen} | {early_cell} | {lost}/{total} |")
    return lines


def candidate(options: list[str]) -> dict[str, float | None]:
    """``--option quick_s=0.85`` and the like: EndpointOptions fields to replay with."""
    from voicepractice.endpoint import EndpointOptions

    fields = {f.name for f in dataclasses.fields(EndpointOptions)}
    changed: dict[str, float | None] = {}
    for item in options:
        name, _, value = item.partition("=")
        if name not in fields or not value:
            raise SystemExit(f"--option {item}: expected NAME=VALUE with NAME one of {', '.join(sorted(fields))}")
        changed[name] = None if value == "None" else float(value)
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-paced", dest="paced", action="store_false", help="skip the real-time (wall clock) runs")
    parser.add_argument("--reuse", action="store_true", help="replay the pauses observed by the last run (bench/results/endpoint_trace.json)")
    parser.add_argument("--paced-rules", default="adaptive,fixed", help="which rules to run at real-time pace")
    parser.add_argument("--keep-paced", action="store_true",
                        help="keep the real-time rows of the last run (bench/results/endpoint.json) for rules not rerun, "
                             "all of them with --no-paced, and its Enter rows unless --enter")
    parser.add_argument("--split", choices=("dev", "all"), default="all", help="dev: only the sources tuning may look at")
    parser.add_argument("--set", dest="sample_set", choices=("corpus", *HELD_OUT_SETS), default="corpus",
                        help="fresh, fresh2 ... fresh8: 30 closes each (FRESH_CLOSES...); real: 31 more "
                             "recordings, real2: 26 more, real3: 8 more, real4: 20 more, real5: 16 more (RECORDED); all held out; "
                             "traces in endpoint_SET_trace.json")
    parser.add_argument("--name", default=None, help="results file stem (bench/results/NAME.md and .json; "
                        "default endpoint, or endpoint_SET with --set)")
    parser.add_argument("--enter", action="store_true", help="also time Enter pressed 0.3 s after the last word (real time)")
    parser.add_argument("--explain", action="store_true",
                        help="write every dev pause as the rule read it to bench/results/NAME_explain.md (held-out left out)")
    parser.add_argument("--reopen-window", type=float, default=REOPEN_WINDOW_S,
                        help="seconds from the decision to the last look before the next line (0.1: no reply to render)")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="replay with an EndpointOptions field changed (a candidate rule; audio clock only, with --no-paced)")
    parser.add_argument("--encoder-seconds", type=float, default=None,
                        help="the live path's encoder window (transcribe.LIVE_WINDOW_FRAMES: 30 s as the drill; 20: "
                             "session 36's, which dropped words); the cut-off reading keeps its 30 s pass")
    parser.add_argument("--live-retries", action="store_true",
                        help="the live path samples again at rising temperatures when a window fails Whisper's check "
                             "(transcribe.LIVE_RETRIES; the drill before session 37)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="only the recordings or closes of this name (repeatable; with --reuse)")
    args = parser.parse_args()
    if args.only and not args.reuse:
        parser.error("--only needs --reuse: a run of some samples would leave the set's trace with only theirs")
    if args.option and (args.paced or args.enter):
        parser.error("--option replays the audio clock only: add --no-paced and leave out --enter")
    from voicepractice import transcribe

    if args.encoder_seconds is not None:
        transcribe.LIVE_WINDOW_FRAMES = round(args.encoder_seconds * transcribe.FRAMES_PER_S)
    transcribe.LIVE_RETRIES = args.live_retries
    os.environ["HF_HUB_OFFLINE"] = "1"
    from voicepractice.endpoint import EndpointOptions, load_turn_model
    from voicepractice.transcribe import Transcriber

    Transcriber().warm_up()
    load_turn_model()
    if args.paced or args.enter:
        from voicepractice.check import check
        from voicepractice.completeness import complete_probability
        from voicepractice.records import Transcript

        check(Transcript.from_text("Thank you."))  # the checker's rubric and encoder load once, as a drill warms them
        complete_probability("thank you")
    t_start = time.monotonic()
    args.name = args.name or set_stem(args.sample_set)
    samples = build_samples(sample_set=args.sample_set)
    if args.split == "dev":
        samples = [s for s in samples if not s.held_out]
    if args.only:
        samples = [s for s in samples if s.name in args.only]
        if not samples:
            parser.error(f"no sample named {', '.join(args.only)} in --set {args.sample_set}")
    print(f"{len(samples)} samples ({sum(s.kind == 'paused' for s in samples)} with a thinking pause)", file=sys.stderr)
    trace_file = RESULTS / f"{set_stem(args.sample_set)}_trace.json"
    traces: dict[str, list[list]] = json.loads(trace_file.read_text()) if args.reuse and trace_file.is_file() else {}
    for i, s in enumerate(samples):
        key = f"{s.kind}:{s.name}"
        if key not in traces:
            traces[key] = observe(s)
            print(f"  [{i + 1}/{len(samples)}] observed {key}: {len(traces[key])} pauses", file=sys.stderr)
    RESULTS.mkdir(parents=True, exist_ok=True)
    trace_file.write_text(json.dumps(traces, indent=0), encoding="utf-8")
    o = replace(EndpointOptions(), **candidate(args.option))
    rows = score(samples, traces, "adaptive", o, args.reopen_window) + score(samples, traces, "fixed", o, args.reopen_window)
    paced: list[dict] = []
    rules = args.paced_rules.split(",")
    kept_enter: list[dict] = []
    if args.keep_paced and (RESULTS / "endpoint.json").is_file():
        last = json.loads((RESULTS / "endpoint.json").read_text())
        paced = [p for p in last["paced"] if not args.paced or p.get("rule", "adaptive") not in rules]
        kept_enter = [] if args.enter else last.get("enter", [])
    if args.paced:
        for rule in rules:
            for s in samples:
                if s.kind == "finished":
                    paced.append({"name": s.name, "held_out": s.held_out, **run_paced(s, rule)})
                    print(f"  paced {rule} {s.name}: {paced[-1]['last_word_to_report_s']} s", file=sys.stderr)
    lines = table(rows, paced)
    enter_rows: list[dict] = kept_enter
    if args.enter:
        enter_rows = [run_enter(s) for s in samples if s.kind == "finished"]
    if enter_rows:
        # An answer the judge ended before Enter came (a long pause inside it) has no Enter to time.
        pressed = [e for e in enter_rows if e["ended_by"] == "end_of_recording"]
        cell = [summarize([e[k] for e in pressed]) for k in ("late_s", "decode_s", "check_s", "enter_to_report_s", "load")]
        within = sum(e["enter_to_report_s"] <= 0.5 for e in pressed)
        snap = sum(e.get("snapshot", False) for e in pressed)
        lines += ["", "Enter pressed 0.3 s after the last word, real time (median / p95 in s): late: the listen loop "
                  "noticing it; decode: words not yet decoded (what is left of the pause's snapshot, or a whole decode "
                  "when none covered the speech); check: the checker. Answers the judge ended before Enter are left out "
                  f"({len(enter_rows) - len(pressed)} of {len(enter_rows)}).", "",
                  "| n | late | decode | check | Enter → report | ≤ 0.5 s | words from the pause's snapshot | load |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|",
                  f"| {len(pressed)} | " + " | ".join(f"{c['median']:.2f} / {c['p95']:.2f}" for c in cell[:4])
                  + f" | {within} | {snap} | {cell[4]['median']:.2f} / {cell[4]['p95']:.2f} |"]  # fmt: skip
    if paced:
        lines += ["", "Where the real-time wait went (finished answers, median / p95 in s; `load` is the 1-min load average "
                  "during the runs; the columns add up to the total per answer). VAD: the speech end heard after the last "
                  "word's end; rule: the silence the rule asks for; words: more silence while the pause's words were still "
                  "being decoded (the judge waits for them so the report is ready when it fires: what a slow or loaded "
                  "machine adds); late: audio blocks handled late; decode: transcription left after the decision; check: "
                  "the checker.", "",
                  "| rule | n | VAD | rule | words | late | decode | check | last word → report | load |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
        for rule in sorted({p.get("rule", "adaptive") for p in paced}):
            sel = [p for p in paced if p.get("rule") == rule and "decision_late_s" in p]
            if not sel:
                continue
            cell = [summarize([p[k] for p in sel]) for k in ("vad_tail_s", "rule_wait_s", "words_wait_s", "decision_late_s", "final_decode_s", "check_s",
                                          "last_word_to_report_s", "load")]
            lines.append(f"| {rule} | {len(sel)} | " + " | ".join(f"{c['median']:.2f} / {c['p95']:.2f}" for c in cell) + " |")
    dev = [s for s in samples if not s.held_out]
    if dev:  # the fresh set has none: it is all held out
        lines += ["", "Trade-off on the dev sources only, what the threshold was tuned on (cut_off_at: the decoder's "
                  "probability of a hyphen after the last word at or above which the turn is held; none: the rule "
                  "before it, Smart Turn and the text head):", "",
                  "| cut_off_at | finished: median / p95 wait (s) | thinking pauses cut | finished answers ended before their last word |",
                  "|---:|---:|---:|---:|"]  # fmt: skip
        for at in (0.0005, 0.0007, 0.001, 0.0012, 0.0015, 0.002, 0.003, 0.005, None):
            alt = score(dev, traces, "adaptive", replace(o, cut_off_at=at))
            fin = summarize([r["wait_audio_s"] for r in alt if r["kind"] == "finished"])
            early = sum(r["wait_audio_s"] < 0 for r in alt if r["kind"] == "finished")
            paused_alt = [r for r in alt if r["kind"] == "paused"]
            lines.append(f"| {at or 'none'} | {fin['median']:.2f} / {fin['p95']:.2f} | {sum(r['cut'] for r in paused_alt)}/{len(paused_alt)} | {early} |")
    if args.explain:
        (RESULTS / f"{args.name}_explain.md").write_text("\n".join(explain(samples, traces, o)) + "\n", encoding="utf-8")
    load = os.getloadavg()
    header = [
        "# End of turn on human speech",
        "",
        f"`.venv/bin/python bench/endpoint.py {' '.join(sys.argv[1:])}` — {len(samples)} samples "
        f"({sum(s.kind == 'finished' for s in samples)} finished, {sum(s.kind == 'paused' for s in samples)} with a 1-3 s thinking pause), "
        f"{time.monotonic() - t_start:.0f} s, load average at the end {load[0]:.1f} on {os.cpu_count()} cores.",
        f"Thresholds: {o}.",
        *(["Real-time rows kept from the last run (--keep-paced): its command and load are in the README and beside "
           "each figure below."] if args.keep_paced and not (args.paced and args.enter) else []),
        "",
        *([f"The {args.sample_set} set (--set {args.sample_set}): real recordings gathered after the rule was fixed "
           f"({RECORDED[args.sample_set][2]}/README.md; pauses and room tone seeded {RECORDED[args.sample_set][1]}), "
           "all held out. The 'dev' rows are empty here.", ""] if args.sample_set in RECORDED else []),
        *([f"The {args.sample_set} set (--set {args.sample_set}): {len(SETS[args.sample_set][0])} interview closes written after the rule was fixed, spoken "
           f"by hibari's 'heart' voice (seed {SETS[args.sample_set][1]}), all held out (first runs: "
           "bench/results/endpoint_fresh_first_run.md, endpoint_fresh_cutoff_first_run.md, "
           "endpoint_fresh2_first_run.md, endpoint_fresh2_dangling_first_run.md, endpoint_fresh3_first_run.md, "
           "endpoint_fresh4_first_run.md). "
           "The 'dev' rows are empty here.", ""] if args.sample_set in SETS else []),
        "First runs on the held-out sources: bench/results/endpoint_first_run.md (the design without the text head, "
        "thresholds chosen a priori), bench/results/endpoint_text_first_run.md (with the text head, thresholds "
        "tuned on the dev sources only) and bench/results/endpoint_combiner_first_run.md (a learned combiner of "
        "both, fitted and thresholded on the dev sources only, worse there: not the default). "
        "'Words after the end' are words the judge left outside the answer; in a drill floor.py keeps them "
        "(reopened answer, or kept with a note when said over the interviewer). 'Cut, counting reopened answers': "
        f"a cut pause is forgiven when floor.py would reopen the answer, i.e. the person resumes at least {ONSET_S} s "
        f"before the drill's last look at the microphone, {args.reopen_window} s after the decision (the look comes "
        "once the next line is ready, right before it starts; speech under way then is waited out); the strict "
        "column is the one the targets are read on.",
        "",
    ]
    text = "\n".join(header + lines) + "\n"
    print(text)
    (RESULTS / f"{args.name}.md").write_text(text, encoding="utf-8")
    (RESULTS / f"{args.name}.json").write_text(json.dumps({"options": asdict(o), "rows": rows, "paced": paced, "enter": enter_rows}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
