"""Generate names letter by letter from a category, in the style of PyTorch's "generating
names with a character-level RNN" tutorial: one-hot inputs built by item assignment, an RNN
cell made of Linear layers on concatenated inputs, NLL loss, and the update written by hand
through ``p.data``."""

import random
import string

import torch
import torch.nn as nn

all_letters = string.ascii_letters + " .,;'-"
n_letters = len(all_letters) + 1  # plus the end-of-name marker

category_lines = {
    "English": [
        "Abbott",
        "Adams",
        "Baker",
        "Carter",
        "Dawson",
        "Ellis",
        "Fisher",
        "Graham",
        "Harris",
        "Jenkins",
        "Lawson",
        "Morgan",
        "Palmer",
        "Turner",
        "Walker",
    ],
    "Italian": [
        "Abano",
        "Bellini",
        "Bruno",
        "Caruso",
        "Conti",
        "Esposito",
        "Ferrari",
        "Gallo",
        "Greco",
        "Lombardi",
        "Marino",
        "Ricci",
        "Romano",
        "Russo",
        "Villa",
    ],
    "Japanese": [
        "Abe",
        "Fujita",
        "Hayashi",
        "Inoue",
        "Ito",
        "Kato",
        "Kimura",
        "Kobayashi",
        "Matsumoto",
        "Mori",
        "Nakamura",
        "Sato",
        "Suzuki",
        "Tanaka",
        "Yamada",
    ],
}
all_categories = list(category_lines)
n_categories = len(all_categories)


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(n_categories + input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(n_categories + input_size + hidden_size, output_size)
        self.o2o = nn.Linear(hidden_size + output_size, output_size)
        self.dropout = nn.Dropout(0.1)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, category, input, hidden):
        input_combined = torch.cat((category, input, hidden), 1)
        hidden = self.i2h(input_combined)
        output = self.i2o(input_combined)
        output_combined = torch.cat((hidden, output), 1)
        output = self.o2o(output_combined)
        output = self.dropout(output)
        output = self.softmax(output)
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size)


def categoryTensor(category):
    li = all_categories.index(category)
    tensor = torch.zeros(1, n_categories)
    tensor[0][li] = 1
    return tensor


def inputTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li in range(len(line)):
        letter = line[li]
        tensor[li][0][all_letters.find(letter)] = 1
    return tensor


def targetTensor(line):
    letter_indexes = [all_letters.find(line[li]) for li in range(1, len(line))]
    letter_indexes.append(n_letters - 1)  # EOS
    return torch.LongTensor(letter_indexes)


def randomTrainingExample(rng):
    category = rng.choice(all_categories)
    line = rng.choice(category_lines[category])
    return categoryTensor(category), inputTensor(line), targetTensor(line)


def train(rnn, criterion, learning_rate, category_tensor, input_line_tensor, target_line_tensor):
    target_line_tensor.unsqueeze_(-1)
    hidden = rnn.initHidden()
    rnn.zero_grad()
    loss = torch.Tensor([0])
    for i in range(input_line_tensor.size(0)):
        output, hidden = rnn(category_tensor, input_line_tensor[i], hidden)
        l = criterion(output, target_line_tensor[i])
        loss += l
    loss.backward()
    for p in rnn.parameters():
        p.data.add_(p.grad.data, alpha=-learning_rate)
    return output, loss.item() / input_line_tensor.size(0)


def sample(rnn, category, start_letter="A", max_length=12):
    with torch.no_grad():
        category_tensor = categoryTensor(category)
        input = inputTensor(start_letter)
        hidden = rnn.initHidden()
        output_name = start_letter
        for i in range(max_length):
            output, hidden = rnn(category_tensor, input[0], hidden)
            topv, topi = output.topk(1)
            topi = topi[0][0]
            if topi == n_letters - 1:
                break
            letter = all_letters[topi]
            output_name += letter
            input = inputTensor(letter)
        return output_name


def main(steps=600, seed=0, every=50):
    torch.manual_seed(seed)
    rng = random.Random(seed)
    rnn = RNN(n_letters, 64, n_letters)
    rnn.train()
    criterion = nn.NLLLoss()
    losses, total = [], 0.0
    for it in range(1, steps + 1):
        output, loss = train(rnn, criterion, 0.0005 * 10, *randomTrainingExample(rng))
        total += loss
        if it % every == 0:
            losses.append(total / every)
            total = 0.0
    rnn.eval()
    names = [sample(rnn, c, letter) for c in all_categories for letter in "ABC"]
    assert all(isinstance(n, str) and n[0] in "ABC" for n in names)
    return losses
