"""Train a character-level LSTM language model with truncated BPTT, then sample from it.

The char-rnn recipe on minigrad: embedding → LSTM → linear → cross-entropy, stateful training
over (T, B) streams with the hidden state carried (detached) from chunk to chunk, global
gradient-norm clipping, Adam, and an atomic checkpoint you can resume from.

Run:
    python examples/char_rnn.py                         # the built-in corpus, a few seconds
    python examples/char_rnn.py --text ../shared/data/tinyshakespeare.txt --steps 2000
    python examples/char_rnn.py --resume char_rnn.npz   # continue a saved run
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import minigrad
import nn
from nn import functional as F  # noqa: N812 (the PyTorch idiom)


class CharLM(nn.Module):
    """Embedding → LSTM → Linear: next-character logits for every position."""

    def __init__(self, vocab_size: int, embed: int, hidden: int, layers: int = 1) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, ids: minigrad.Tensor, state=None):
        out, state = self.lstm(self.embed(ids), state)
        return self.head(out), state


def sample(
    model: CharLM,
    vocab: nn.CharVocab,
    prime: str,
    length: int,
    temperature: float,
    rng: np.random.Generator,
) -> str:
    """Generate ``length`` characters after ``prime``, one step at a time."""
    model.eval()
    state, text = None, prime
    with minigrad.no_grad():
        logits, state = model(minigrad.tensor(vocab.encode(prime)[:, None]), state)
        for _ in range(length):
            probs = (logits[-1, 0] / temperature).softmax().numpy().astype(np.float64)
            next_id = int(rng.choice(len(probs), p=probs / probs.sum()))
            text += vocab.decode([next_id])
            logits, state = model(minigrad.tensor([[next_id]]), state)
    model.train()
    return text


def train(args: argparse.Namespace) -> None:
    minigrad.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    text = Path(args.text).read_text(encoding="utf-8") if args.text else nn.default_corpus()
    vocab = nn.CharVocab.from_text(text)
    streams = nn.batchify(vocab.encode(text), args.batch)
    model = CharLM(len(vocab), args.embed, args.hidden, args.layers)
    optimizer = nn.optim.Adam(model.parameters(), lr=args.lr)
    step = 0
    if args.resume and Path(args.resume).exists():
        checkpoint = nn.load(args.resume)
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optim"])
        step = int(checkpoint["step"])
        print(f"resumed from {args.resume} at step {step}")
    print(
        f"{len(text):,} characters, {len(vocab)} symbols, streams {streams.shape} (T, B); "
        f"LSTM hidden {args.hidden}, {sum(p.numel() for p in model.parameters()):,} parameters"
    )
    start, smoothed, state = time.perf_counter(), None, None
    while step < args.steps:
        for inputs, targets in nn.tbptt_chunks(streams, args.seq_len):
            logits, state = model(minigrad.tensor(inputs), state)
            loss = F.cross_entropy(logits, minigrad.tensor(targets), axis=-1)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            optimizer.step()
            state = nn.detach_state(state)  # truncated BPTT: keep the values, cut the graph
            step += 1
            smoothed = loss.item() if smoothed is None else 0.95 * smoothed + 0.05 * loss.item()
            if step % args.log_every == 0 or step == args.steps:
                rate = step / (time.perf_counter() - start)
                print(f"step {step:5d}  loss {smoothed:.3f}  ({rate:.1f} steps/s)")
            if step >= args.steps:
                break
        state = None  # a new pass over the text starts the streams afresh
    print("\nsample:\n" + sample(model, vocab, args.prime, args.sample_length, 0.8, rng))
    if args.save:
        nn.save(
            {"model": model.state_dict(), "optim": optimizer.state_dict(), "step": step}, args.save
        )
        print(f"\ncheckpoint written to {args.save} (resume with --resume {args.save})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", help="a UTF-8 text file (default: the built-in corpus)")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seq-len", type=int, default=32)
    parser.add_argument("--embed", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--clip", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--prime", default="The ")
    parser.add_argument("--sample-length", type=int, default=300)
    parser.add_argument("--save", default=None, help="write a checkpoint here at the end")
    parser.add_argument("--resume", default=None, help="continue from this checkpoint")
    train(parser.parse_args())


if __name__ == "__main__":
    main()
