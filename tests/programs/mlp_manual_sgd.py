"""A micrograd-style classifier written in PyTorch: a small MLP on two interleaved moons,
the max-margin loss with L2 regularisation, and the update written by hand under no_grad."""

import numpy as np
import torch
import torch.nn as nn


def moons(n=100, noise=0.1, seed=1):
    rng = np.random.RandomState(seed)
    half = n // 2
    angle = np.pi * rng.rand(n)
    upper = np.stack([np.cos(angle[:half]), np.sin(angle[:half])], 1)
    lower = np.stack([1 - np.cos(angle[half:]), 0.5 - np.sin(angle[half:])], 1)
    x = np.concatenate([upper, lower]) + noise * rng.randn(n, 2)
    y = np.concatenate([np.ones(half), -np.ones(n - half)])
    return x, y


def main(steps=60, seed=0):
    torch.manual_seed(seed)
    x, y = moons()
    X = torch.tensor(x, dtype=torch.float32)
    Y = torch.tensor(y, dtype=torch.float32)
    model = nn.Sequential(
        nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1)
    )
    losses = []
    for k in range(steps):
        scores = model(X).squeeze(1)
        data_loss = (1 + -Y * scores).relu().mean()
        reg_loss = 1e-4 * sum((p * p).sum() for p in model.parameters())
        loss = data_loss + reg_loss
        accuracy = ((Y > 0) == (scores > 0)).float().mean()
        model.zero_grad()
        loss.backward()
        learning_rate = 1.0 - 0.9 * k / steps
        with torch.no_grad():
            for p in model.parameters():
                p -= learning_rate * p.grad
        losses.append(loss.item())
    assert 0.0 <= accuracy.item() <= 1.0
    return losses
