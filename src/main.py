"""Greets the world in English or in French, chosen at random."""

import random


def greeting() -> str:
    """Pick the greeting, so that the choice can be tested apart from printing."""
    if random.randint(0, 1) == 0:  # nosec B311 - not used for security
        return "Hello world"
    return "Bonjour le monde!"


if __name__ == "__main__":
    print(greeting())
