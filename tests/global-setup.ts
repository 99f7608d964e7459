/**
 * Runs once before the test workers start: unpacks the packaged Chromium a single time, so parallel browser
 * tests never race to unpack it, and hands its path to every worker through CHROMIUM_PATH.
 */
import { chromiumPath } from './helpers/browser';

export default async function setup(): Promise<void> {
  process.env.CHROMIUM_PATH = await chromiumPath();
}
