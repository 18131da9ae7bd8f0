"""The top of a py-spy profile: functions by own time and by total time (collapsed stacks).

python -m bench.profile_top PROFILE.txt [--top 25]
"""

import argparse
from collections import Counter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    with open(args.path) as f:
        for line in f:
            stack, _, count = line.rstrip().rpartition(" ")
            if not count.isdigit():
                continue  # a frame name that spans lines (an SQL text in a label)
            n = int(count)
            frames = stack.split(";")
            samples += n
            own[frames[-1]] += n
            for frame in set(frames):
                total[frame] += n
    print(f"{samples} samples\n\nown time:")
    for frame, n in own.most_common(args.top):
        print(f"{100 * n / samples:5.1f}%  {frame}")
    print("\ntotal time (with callees):")
    for frame, n in total.most_common(args.top):
        print(f"{100 * n / samples:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
