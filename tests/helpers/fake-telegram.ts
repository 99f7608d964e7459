/**
 * The local fake of the Telegram Bot API for tests: the Bot API emulator that demo mode also uses
 * (bot/demo/emulator.ts), spoken over real HTTP, so the bot runs its real client code.
 */
export {
  BOT_ID,
  BotApiEmulator as FakeTelegram,
  buttons,
  EMULATOR_TOKEN as TEST_TOKEN,
  EmulatedUser as FakeUser,
  type ApiCall,
  type InboundMessage,
  type SentMessage,
} from '../../bot/demo/emulator.js';
