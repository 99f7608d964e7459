/** The seeded generator lives with the shared data generator (services/seed); scripts import it from here too. */
export { seededRandom } from '../services/seed/rng.js';
