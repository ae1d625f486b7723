"""Rebuild the ``real4`` set of bench/endpoint.py (20 recordings of real English speech).

The sources and their cuts are below; bench/speech_sets.py fetches each from a bare clone of its
repository under $MIRROR (default /work/.mirror), checks its git blob id, cuts it and writes
OUT/audio/ and OUT/manifest.tsv.

    .venv/bin/python bench/speech_fresh4/build.py ../shared/speech_fresh4
"""

import os
import sys
from pathlib import Path

RZ = "resemble-ai/Resemblyzer"
RZ_C = "15d828edebe06bc72b9cabc8ef8ca5ab2cb457ce"
RZ_LIC = "LibriSpeech CC-BY-4.0; repo Apache-2.0"
BV = "NVIDIA/BigVGAN"
BV_C = "7d2b454564a6c7d014227f635b7423881f14bdac"
DN = "facebookresearch/denoiser"
DN_C = "8afd7c166699bb3c8b2d95b6dd706f71e1075df0"
DN_LIC = "VCTK / Valentini clean test set CC-BY-4.0; repo CC-BY-NC-4.0"
AZ = "Azure-Samples/cognitive-services-speech-sdk"
AZ_C = "af304cc2298f99c58e21d1e17e00afd8496bf2f1"
RH = "Picovoice/rhino"
RH_C = "b65a53b8c449cc93d66ab5a122133cc94bdb6635"
EA = "Picovoice/eagle"
EA_C = "5d97c54e0c94417176a382cb687499c81d0697f5"
DG = "deepgram/deepgram-python-sdk"
DG_C = "7da415db533daac723716455c8a1142c2e39a66b"
DG_P = "examples/fixtures/audio.wav"
DG_LIC = "UNKNOWN recording origin (not stated in the repo); only the repo licence (MIT) applies"

CLIPS = [
    # name, repo, commit, path, cut(t0,t1,channel|None) or None, kind, licence, notes
    # --- read speech, redistributable licences ---
    (
        "librispeech_1088-134315-0000.wav",
        "lhotse-speech/lhotse",
        "a79cc864e4275f6342bb94261313526a14d385fb",
        "test/fixtures/libri/libri-1088-134315-0000.wav",
        None,
        "read",
        "LibriSpeech CC-BY-4.0; repo Apache-2.0",
        "LibriSpeech speaker 1088 (F est. F0 ~200 Hz); whole 16.0 s file; trailing low-energy stretch 15.86-16.04 (<p95-20 dB) only, so the end is close to the file edge",
    ),
    (
        "librispeech_test-other_1688-142285-0001.flac",
        RZ,
        RZ_C,
        "audio_data/librispeech_test-other/1688/1688-142285-0001.flac",
        None,
        "read",
        RZ_LIC,
        "LibriSpeech test-other speaker 1688 (F est. F0 ~240 Hz); whole utterance as in source",
    ),
    (
        "librispeech_test-other_2609-156975-0002.flac",
        RZ,
        RZ_C,
        "audio_data/librispeech_test-other/2609/2609-156975-0002.flac",
        None,
        "read",
        RZ_LIC,
        "LibriSpeech test-other speaker 2609 (M est. F0 ~128 Hz); whole utterance as in source",
    ),
    (
        "librispeech_test-other_3331-159605-0002.flac",
        RZ,
        RZ_C,
        "audio_data/librispeech_test-other/3331/3331-159605-0002.flac",
        None,
        "read",
        RZ_LIC,
        "LibriSpeech test-other speaker 3331 (F est. F0 ~232 Hz); whole utterance as in source",
    ),
    (
        "librispeech_test-other_2033-164914-0002.flac",
        RZ,
        RZ_C,
        "audio_data/librispeech_test-other/2033/2033-164914-0002.flac",
        None,
        "read",
        RZ_LIC,
        "LibriSpeech test-other speaker 2033 (sex unclear, est. F0 ~155 Hz); whole utterance as in source",
    ),
    (
        "libritts_bigvgan_demo_24k.wav",
        BV,
        BV_C,
        "demo/examples/libritts_24k.wav",
        None,
        "read",
        "LibriTTS CC-BY-4.0 (by file name; utterance id not given); repo MIT",
        "ground-truth input example of the BigVGAN vocoder demo (demo/app.py feeds it to the vocoder; this is the input, not the output); LibriTTS reader (M est. F0 ~110 Hz), speaker id unknown; whole 5.9 s file",
    ),
    (
        "hifitts_bigvgan_demo_44k.wav",
        BV,
        BV_C,
        "demo/examples/hifitts_44k.wav",
        None,
        "read",
        "Hi-Fi TTS CC-BY-4.0 (by file name; utterance id not given); repo MIT",
        "ground-truth input example of the BigVGAN vocoder demo; Hi-Fi TTS (LibriVox-derived) reader (F est. F0 ~214 Hz), speaker id unknown; whole 6.4 s file; pauses at 1.92-2.27 and 4.84-5.16",
    ),
    (
        "vctk_p287_003_denoiser_clean.wav",
        DN,
        DN_C,
        "dataset/debug/clean/p287_003.wav",
        None,
        "read",
        DN_LIC,
        "VCTK speaker p287 (M est. F0 ~112 Hz), clean reference of the Valentini noisy/clean test set as kept in the repo's debug dataset (not the noisy or enhanced file); whole 7.2 s file",
    ),
    (
        "vctk_p287_005_denoiser_clean.wav",
        DN,
        DN_C,
        "dataset/debug/clean/p287_005.wav",
        None,
        "read",
        DN_LIC,
        "same speaker as previous clip (p287), another sentence; whole 6.5 s file",
    ),
    (
        "cmu_arctic_awb_a0007.wav",
        "r9y9/pysptk",
        "65c26f5cac3caf8af031ef100c53369c3c83c5ef",
        "pysptk/example_audio_data/arctic_a0007.wav",
        None,
        "read",
        "CMU ARCTIC (free BSD-style licence); repo MIT",
        "CMU ARCTIC speaker awb (M, Scottish English, per pysptk/util.py 'cmu_us_awb_arctic'; est. F0 ~140 Hz); whole 4.0 s file; trailing low-energy stretch 3.65-4.00 (<p95-25 dB)",
    ),
    # --- spontaneous speech ---
    (
        "nvidia_keynote_bigvgan_demo_0.00-6.89.wav",
        BV,
        BV_C,
        "demo/examples/jensen_24k.wav",
        (0.00, 6.89, None),
        "spontaneous",
        "UNKNOWN: presumably an excerpt of an NVIDIA keynote (speaker named only in the file name), copyright not stated; only the repo licence (MIT) applies",
        "ground-truth input example of the BigVGAN vocoder demo; single male presenter (est. F0 ~112 Hz), keynote/presentation style (may be partly prepared); starts at the file start, cut inside the low-energy gap 6.73-7.05 (<p95-26 dB); the rest of the file (to 9.99 s) ends mid-speech and is dropped",
    ),
    (
        "deepgram_fixture_4.35-11.83.wav",
        DG,
        DG_C,
        DG_P,
        (4.35, 11.83, None),
        "spontaneous",
        DG_LIC,
        "SDK example fixture, single speaker assumed from a steady F0 estimate (~154 Hz, sex unclear), not from any annotation; sounds like an interview answer (unverified); cuts inside low-energy gaps 4.10-4.60 (<p95-27 dB) and 11.68-11.98 (<p95-24 dB, only 0.30 s)",
    ),
    (
        "deepgram_fixture_11.83-25.93.wav",
        DG,
        DG_C,
        DG_P,
        (11.83, 25.93, None),
        "spontaneous",
        DG_LIC,
        "same speaker as previous clip; cut inside low-energy gap 11.68-11.98, runs to the file end, which has a 0.65 s low-energy tail (25.28-25.93, <p95-30 dB)",
    ),
    # --- UNKNOWN recording origin (only the repo licence is known): kept last ---
    (
        "picovoice_eagle_speaker1_test_utt.wav",
        EA,
        EA_C,
        "resources/audio_samples/speaker_1_test_utt.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "speaker-recognition test utterance of 'speaker 1' (F est. F0 ~232 Hz), a different speaker from speaker_2 used in speech_fresh; whole 10.9 s file with trailing low-energy stretch 9.54-10.86 (<p95-20 dB); read vs spontaneous not verified",
    ),
    (
        "picovoice_eagle_speaker1_utt_1.wav",
        EA,
        EA_C,
        "resources/audio_samples/speaker_1_utt_1.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "enrollment utterance of the same 'speaker 1' (F est. F0 ~239 Hz); whole 9.7 s file; trailing low-energy stretch only 9.28-9.73 (<p95-20 dB); read vs spontaneous not verified",
    ),
    (
        "picovoice_rhino_within_context.wav",
        RH,
        RH_C,
        "resources/audio_samples/test_within_context.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "spoken command for the English speech-to-intent test (language by the repo's naming: the other languages carry _de/_es/... suffixes) (M est. F0 ~89 Hz); whole 7.1 s file, speech about 1.6-4.3 s then 2.8 s of low-energy tail",
    ),
    (
        "picovoice_rhino_out_of_context.wav",
        RH,
        RH_C,
        "resources/audio_samples/test_out_of_context.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (Apache-2.0) applies",
        "English out-of-context command test recording (M est. F0 ~119 Hz; may or may not be the same person as the previous clip); whole 8.3 s file; internal pause 3.64-4.15, speech ends about 5.5-5.7 s",
    ),
    (
        "azure_voice_talent_statement_24k.wav",
        AZ,
        AZ_C,
        "samples/custom-voice/python/TestData/VoiceTalentVerbalStatement.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (MIT) applies",
        "custom-voice sample of a voice talent's consent statement (read; F est. F0 ~179 Hz); natural noise floor (p10 ~-51 dB), human recording assumed but not proven; whole 7.9 s file with trailing low-energy stretch 7.50-7.88",
    ),
    (
        "azure_cnv_sample192_24k.wav",
        AZ,
        AZ_C,
        "samples/custom-voice/python/TestData/voice/CNVSample192.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (MIT) applies",
        "custom-neural-voice training sample (read studio recording, F est. F0 ~198 Hz; may be the same talent as the previous clip); noise-gated silence (p10 ~-86 dB); whole 7.5 s file, pause 1.28-1.69, trailing silence 6.35-7.51",
    ),
    (
        "azure_wreck_a_nice_beach.wav",
        AZ,
        AZ_C,
        "samples/csharp/sharedcontent/console/wreck-a-nice-beach.wav",
        None,
        "read",
        "UNKNOWN recording origin; only the repo licence (MIT) applies",
        "short SDK sample phrase (M est. F0 ~101 Hz), quiet (p95 ~-38 dBFS); whole 5.0 s file, speech about 1.0-3.1 s with 1.9 s low-energy tail",
    ),
]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from speech_sets import build

    out = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("VOICEPRACTICE_FRESH_SPEECH4", "../shared/speech_fresh4")
    build(CLIPS, out)
