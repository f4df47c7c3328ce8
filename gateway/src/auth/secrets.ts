import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/**
 * The guesses (log10) a signing secret must be worth: ~83 bits. Random 32-character hex (16 bytes)
 * scored 28.6 at worst over 1,000 draws, base64 of 32 bytes 42; a repeat ('a' × 32), a sequence or a
 * repeated word scores under 15. Estimated by zxcvbn (patterns, repeats, sequences, keyboard walks,
 * leaked passwords), so the margin below random values keeps real secrets from being refused.
 */
export const MIN_SECRET_GUESSES_LOG10 = 25;

let estimator: ZxcvbnFactory | undefined;

/** Why a secret is too weak to sign tokens in production, or null. */
export function weakSecretReason(secret: string): string | null {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  const { guessesLog10 } = estimator.check(secret);
  if (guessesLog10 >= MIN_SECRET_GUESSES_LOG10) return null;
  return `is too easy to guess for production (about ${Math.round(guessesLog10 * Math.log2(10))} bits; a repeat, a sequence or words): use a random value, e.g. openssl rand -base64 32`;
}
