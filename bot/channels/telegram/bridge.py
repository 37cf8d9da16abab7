"""The Telegram bridge: handlers, the erase, and the python-telegram-bot Application.

Private chats only. Every message goes to the Rasa assistant as the sender HMAC(secret, chat id),
with the user's Telegram `language_code` as a language hint. Commands (EN and FR):
    /start     the assistant's greeting (/greet), how to leave fast on Telegram (and what the exit cannot
               delete), and the privacy tip: auto-delete, hiding previews, deleting the chat, passcode lock
    /help      the kinds of help (/more_options)
    /language  switches English <-> French (an explicit switch request to the assistant)
    /exit, /sortir, the "Exit / Sortir" button, a "Quick exit" button, or typing exit / quitter /
    sortir: the erase.

The erase deletes every message id the bridge kept for the chat (the user's and the bot's, at most
48 hours old) with deleteMessages, 100 ids a call; forgets the ids; leaves one neutral line, deleted
after a short delay, and nothing else: people exit when someone is watching, so no tip that would show
what the chat was about (the tip is given at /start).
An exit the user asked for is recognised BEFORE the chat's lock: the screen is cleared at once even
when an earlier message of the chat is still waiting for a slow or unreachable assistant. Then,
in the chat's order (under the lock), whatever was shown meanwhile is deleted too, answers still on
their way are dropped, and the assistant is asked to delete the conversation (`/safety_exit`).
The assistant's erase counts as done only when its reply says so (`custom.erase`, see
bot/channels/rest.py); otherwise (down, or a 200 without the flag) the sender stays in
`pending_erase` and the erase is retried (before the chat's next message, and every sweep).

The bridge guesses nothing about a reply: its language is the reply's `custom.language` (the
conversation's `language` slot on the server), and a reply flagged `custom.erase` (the assistant took
a message as a quick exit and deleted the conversation) makes the bridge erase the chat too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from telegram import BotCommand, LinkPreviewOptions, Message, ReplyKeyboardRemove, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    Job,
    JobQueue,
    MessageHandler,
    filters,
)

from bot import startup
from bot.channels.telegram import logs
from bot.channels.telegram.assistant import SAFETY_EXIT, Assistant, AssistantUnavailable, reply_erased, reply_language
from bot.channels.telegram.config import Config, ConfigError, sender_id
from bot.channels.telegram.memory import ChatMemory, RedisStore, open_store
from bot.channels.telegram.order import ChatOrder
from bot.channels.telegram.render import (
    Payloads,
    exit_keyboard,
    format_phones,
    inline_keyboard,
    split_text,
)
from bot.shared.language import conversation_language, detect, normalise_hint
from bot.shared.safety.quick_exit import is_exit_request
from bot.shared.texts import text

log = logging.getLogger("bot.channels.telegram")

LANGUAGES = ("en", "fr")
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
DELETE_CHUNK = 100  # deleteMessages takes 1-100 ids
SEND_ATTEMPTS = 3
SWEEP_SECONDS = 60.0

# What each command sends to the assistant: intents it already answers (domain.yml), so the
# answers are the assistant's own, in the conversation's language.
GREET, HELP = "/greet", "/more_options"
# /language: an explicit request names the target language (bot/shared/language.py), like the web widget.
SWITCH_TO = {"en": "english please", "fr": "en français"}
EXIT_COMMANDS = {"exit", "sortir", "quitter", "safety_exit", "stop"}


def short(sender: str) -> str:
    """A conversation tag for logs: 6 hex characters of the HMAC, never the chat id."""
    return sender[:6]


def _seconds(retry_after) -> float:
    return retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else float(retry_after)


class ArrivalQueue(asyncio.Queue):
    """PTB's update queue. With several bridge processes (a Redis store), each update of a private chat
    is registered in its chat's order (order.py) as it is queued, i.e. before the webhook answers 200:
    a later update of the chat, even in another process, then waits for this one."""

    def __init__(self, bridge: Bridge) -> None:
        super().__init__()
        self.bridge = bridge

    async def put(self, item) -> None:
        if isinstance(item, Update):
            try:
                await self.bridge.arrived(item)
            except Exception as exc:
                log.error("Could not register an update in its chat's order (%s)", type(exc).__name__)
                if self.bridge.config.mode == "webhook":
                    raise  # the webhook answers 500: Telegram sends the update again later
                # polling: the handler registers it when it takes the chat's turn
        await super().put(item)


class Bridge:
    def __init__(self, config: Config):
        self.config = config
        self.assistant = Assistant(config.rasa_url, config.bridge_token, config.rasa_timeout)
        self.memory = ChatMemory()  # its store (TELEGRAM_STATE_URL) is opened when the application starts
        self.payloads = Payloads()
        self.exit_labels = {text("telegram_exit_button", lang).casefold() for lang in LANGUAGES}
        self.pending_erase: set[str] = set()  # senders whose conversation the assistant has yet to delete
        self._exiting: dict[str, int] = {}  # senders with an exit under way: nothing more is shown to them
        self._notes: dict[Job, tuple] = {}  # neutral lines waiting to be deleted (PTB JobQueue jobs)
        self.app: Application | None = None

    # ---------------------------------------------------------------- set-up
    def build(self) -> Application:
        cfg = self.config
        builder = ApplicationBuilder().token(cfg.bot_token)
        if cfg.api_base_url:  # another Bot API server (self-hosted, or the tests' fake one)
            builder = builder.base_url(f"{cfg.api_base_url}/bot").base_file_url(f"{cfg.api_base_url}/file/bot")
        app: Application = (
            builder.rate_limiter(AIORateLimiter(max_retries=3))
            .concurrent_updates(64)  # chats in parallel; one chat in order (ChatMemory.lock)
            .update_queue(ArrivalQueue(self))  # with Redis: a chat's order across processes (order.py)
            .job_queue(JobQueue())  # the bridge's timers: the sweep, and deleting the neutral line
            .post_init(self._post_init)
            .post_stop(self._post_stop)
            .post_shutdown(self._post_shutdown)
            .build()
        )
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self.on_message))
        app.add_handler(CallbackQueryHandler(self.on_callback))
        app.add_handler(ChatMemberHandler(self.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_error_handler(self.on_error)
        self.app = app
        return app

    @property
    def bot(self):
        return self.app.bot

    async def _post_init(self, app: Application) -> None:
        # The chats' message ids and language, kept across restarts (SQLite by default, Redis when scaled).
        self.memory.store = open_store(self.config.state_url or None)
        if isinstance(self.memory.store, RedisStore):  # shared by several processes: the order is in Redis too
            self.memory.order = ChatOrder(self.config.state_url)
        await self.register_commands()
        assert app.job_queue is not None, "build() gives the application a JobQueue"
        app.job_queue.run_repeating(self._sweep, interval=SWEEP_SECONDS, first=SWEEP_SECONDS, name="sweep")
        log.info("Telegram bridge ready (mode=%s)", self.config.mode)

    async def _post_stop(self, app: Application) -> None:
        # Neutral lines still waiting (the job queue has stopped): delete them now rather than leave them behind.
        for chat_id, message_id in list(self._notes.values()):
            await self._delete(chat_id, [message_id])
        self._notes.clear()

    async def _post_shutdown(self, app: Application) -> None:
        await self.assistant.close()
        if self.memory.order is not None:
            await self.memory.order.close()
        self.memory.close()

    async def register_commands(self) -> None:
        """The command menu, in English (default) and French (users whose Telegram is in French)."""
        exit_name = {"en": "exit", "fr": "sortir"}
        try:
            for lang in LANGUAGES:
                commands = [
                    BotCommand("start", text("telegram_cmd_start", lang)),
                    BotCommand("help", text("telegram_cmd_help", lang)),
                    BotCommand("language", text("telegram_cmd_language", lang)),
                    BotCommand(exit_name[lang], text("telegram_cmd_exit", lang)),
                ]
                await self.bot.set_my_commands(commands, language_code=None if lang == "en" else lang)
        except TelegramError as exc:
            log.warning("Could not register the command menu (%s); commands still work", type(exc).__name__)

    async def _sweep(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Every SWEEP_SECONDS (PTB's JobQueue): expired ids out, erases the assistant still owes retried."""
        try:
            self.memory.sweep()
            for sender in list(self.pending_erase):
                await self.erase_in_assistant(sender)
        except Exception as exc:  # the next sweep tries again
            log.warning("Sweep failed (%s)", type(exc).__name__)

    # ---------------------------------------------------------------- helpers
    def sender(self, chat_id: int) -> str:
        return sender_id(self.config.sender_secret, chat_id)

    def _private_sender(self, update: Update) -> str | None:
        """The sender of a message or button press in a private chat (the updates that take a turn)."""
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE or not (update.message or update.callback_query):
            return None
        return self.sender(chat.id)

    async def arrived(self, update: Update) -> None:
        """An update was received: with several processes, it takes its place in its chat's order."""
        order = self.memory.order
        sender = self._private_sender(update) if order is not None else None
        if order is not None and sender is not None:
            await order.arrived(sender, update.update_id)

    async def finished(self, update: Update) -> None:
        """The update is handled (or failed): its place in the chat's order is freed (if not already)."""
        order = self.memory.order
        sender = self._private_sender(update) if order is not None else None
        if order is not None and sender is not None:
            await order.done(sender, update.update_id)

    async def leaving(self, sender: str) -> bool:
        """An exit of this chat is under way (in this process, or, with Redis, in any)."""
        if sender in self._exiting:
            return True
        return self.memory.order is not None and await self.memory.order.exiting(sender)

    def language(self, sender: str, hint: str | None) -> str:
        return self.memory.language(sender) or normalise_hint(hint) or "en"

    def exit_keyboard(self, lang: str):
        return exit_keyboard(text("telegram_exit_button", lang))

    async def send(self, chat_id: int, sender: str | None, body: str, markup=None) -> Message | None:
        """Send one message; remember its id for the erase. Retries; None if it could not be sent.

        Nothing is sent for a sender whose exit is under way (an answer that was still on its way)."""
        for attempt in range(SEND_ATTEMPTS):
            if sender is not None and await self.leaving(sender):
                return None
            try:
                message = await self.bot.send_message(
                    chat_id,
                    format_phones(body),
                    reply_markup=markup,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            except RetryAfter as exc:  # the rate limiter already waited and retried: wait once more
                log.warning("Flood limit still hit; waiting %.1f s", _seconds(exc.retry_after))
                await asyncio.sleep(_seconds(exc.retry_after) + 0.1)
            except Forbidden:
                log.warning("Message not sent: the user blocked the bot (conv=%s)", short(sender or ""))
                return None
            except BadRequest as exc:
                log.error("Telegram refused a message (%s) (conv=%s)", exc.message, short(sender or ""))
                return None
            except (TimedOut, NetworkError) as exc:
                log.warning("Sending failed (%s), attempt %d of %d", type(exc).__name__, attempt + 1, SEND_ATTEMPTS)
                await asyncio.sleep(0.5 * (attempt + 1))
            else:
                if sender:
                    self.memory.remember(sender, message.message_id)
                return message
        log.error("Message not sent after %d attempts (conv=%s)", SEND_ATTEMPTS, short(sender or ""))
        return None

    async def send_answer(self, chat_id: int, sender: str, reply: list[dict], lang: str) -> None:
        failed = False
        for m in reply:
            body, buttons = (m.get("text") or "").strip(), m.get("buttons") or []
            if not body:
                if m.get("image") or m.get("custom") or m.get("attachment"):
                    log.warning("An answer part that Telegram cannot show was skipped (conv=%s)", short(sender))
                if not buttons:
                    continue
                body = "…"
            parts = split_text(body)
            for i, part in enumerate(parts):
                last = i == len(parts) - 1
                if buttons:
                    markup = inline_keyboard(buttons, self.payloads) if last else None
                else:  # messages without buttons carry the persistent Exit / Sortir keyboard
                    markup = self.exit_keyboard(lang) if last else None
                if await self.send(chat_id, sender, part, markup) is None:
                    failed = True
        if failed:
            await self.send(chat_id, sender, text("telegram_send_failed", lang), self.exit_keyboard(lang))

    async def _delete(self, chat_id: int, ids: Iterable[int]) -> int:
        """Delete these messages, 100 a call; one by one if a call fails. Returns the calls made."""
        ids = sorted(set(ids))
        calls = 0
        for start in range(0, len(ids), DELETE_CHUNK):
            chunk = ids[start : start + DELETE_CHUNK]
            for _ in range(SEND_ATTEMPTS):
                try:
                    calls += 1
                    await self.bot.delete_messages(chat_id, chunk)
                    break
                except RetryAfter as exc:  # the rate limiter already retried: wait once more
                    await asyncio.sleep(_seconds(exc.retry_after) + 0.1)
                except TelegramError as exc:
                    log.warning("deleteMessages failed (%s); deleting one by one", type(exc).__name__)
                    for message_id in chunk:
                        calls += 1
                        try:
                            await self.bot.delete_message(chat_id, message_id)
                        except BadRequest:
                            pass  # already gone, or older than 48 hours: Telegram will not delete it
                        except TelegramError as one_exc:
                            log.error("A message could not be deleted (%s)", type(one_exc).__name__)
                    break
            else:
                log.error("Flood limit: %d messages could not be deleted", len(chunk))
        return calls

    # ---------------------------------------------------------------- conversation
    async def converse(
        self, chat_id: int, sender: str, message: str, hint: str | None, user_text: str | None = None
    ) -> str | None:
        """Send `message` to the assistant and its answer to the chat. Returns the language used."""
        if sender in self.pending_erase:
            await self.erase_in_assistant(sender)
        try:
            reply = await self.assistant.say(sender, message, hint)
        except AssistantUnavailable as exc:
            # No reply to tell the language: the conversation's so far, else the user's own words.
            lang = self.memory.language(sender)
            if user_text:
                lang = conversation_language(lang, detect(user_text, hint), hint)
            lang = lang or normalise_hint(hint) or "en"
            log.error("Assistant unavailable (%s): fallback text sent (conv=%s)", exc, short(sender))
            await self.send(chat_id, sender, text("assistant_unreachable", lang), self.exit_keyboard(lang))
            return lang
        if await self.leaving(sender):  # the user left while the assistant was answering: show nothing
            return None
        told = reply_language(reply)  # the conversation's language, as the assistant says it
        if told:
            self.memory.set_language(sender, told)
        if reply_erased(reply):
            # The assistant took this message as a quick exit and has deleted the conversation:
            # the screen must not keep it either.
            lang = self.language(sender, hint)
            await self.erase(chat_id, sender, lang, assistant_done=True)
            return lang
        if not reply:
            log.warning("The assistant sent an empty answer (conv=%s)", short(sender))
        lang = self.language(sender, hint)
        await self.send_answer(chat_id, sender, reply, lang)
        return lang

    def is_exit(self, body: str) -> bool:
        """A message that asks for the quick exit: /exit-like commands, the keyboard button, exit words."""
        if body.startswith("/"):
            return body.split()[0][1:].split("@")[0].lower() in EXIT_COMMANDS
        return body.casefold() in self.exit_labels or is_exit_request(body)

    async def erase_in_assistant(self, sender: str) -> bool:
        """Ask the assistant to delete the conversation. Done only if its reply says so (`custom.erase`):
        a 200 without the flag has not deleted it, so it is retried."""
        try:
            reply = await self.assistant.erase(sender)
            if not reply_erased(reply):
                raise AssistantUnavailable("no erase in the reply")
        except AssistantUnavailable as exc:
            if sender not in self.pending_erase:
                log.error(
                    "The assistant could not delete a conversation yet (%s); retrying (conv=%s)", exc, short(sender)
                )
            self.pending_erase.add(sender)
            return False
        self.pending_erase.discard(sender)
        return True

    async def quick_exit(
        self, chat_id: int, sender: str, lang: str, message_id: int | None = None, update_id: int | None = None
    ) -> None:
        """The exit the user asked for. Runs OUTSIDE the chat's lock: the screen is cleared at once,
        while the rest (late messages, the assistant's erase) takes its turn behind the chat's
        earlier messages, whose answers are no longer shown (by any bridge process)."""
        self._exiting[sender] = self._exiting.get(sender, 0) + 1
        if self.memory.order is not None and update_id is not None:
            await self.memory.order.exit_started(sender, update_id)
        self.memory.remember(sender, message_id)
        in_turn = asyncio.ensure_future(self._exit_in_turn(chat_id, sender, update_id))  # queues for the lock now
        try:
            await self.erase(chat_id, sender, lang, assistant_done=True)
        finally:
            await in_turn

    async def _exit_in_turn(self, chat_id: int, sender: str, update_id: int | None = None) -> None:
        done = False
        try:
            async with self.memory.lock(sender, update_id) as first_time:
                try:
                    late = self.memory.forget(sender) if first_time else []  # shown while the screen was being cleared
                    if late:
                        await self._delete(chat_id, late)
                    if first_time:
                        await self.erase_in_assistant(sender)
                finally:
                    done = True
                    await self._exit_done(sender, update_id)  # still in the lock: the next message is answered
        finally:
            if not done:
                await self._exit_done(sender, update_id)

    async def _exit_done(self, sender: str, update_id: int | None) -> None:
        self._exiting[sender] -= 1
        if not self._exiting[sender]:
            del self._exiting[sender]
        if self.memory.order is not None and update_id is not None:
            await self.memory.order.exit_done(sender, update_id)

    async def erase(self, chat_id: int, sender: str, lang: str, assistant_done: bool = False) -> None:
        ids = self.memory.forget(sender)
        calls = await self._delete(chat_id, ids)
        log.info("Erase: %d messages deleted in %d calls", len(ids), calls)
        if not assistant_done:
            await self.erase_in_assistant(sender)
        # One neutral line, deleted soon: nothing that tells what the chat was about.
        sent = await self.send(chat_id, None, text("telegram_erased", lang), ReplyKeyboardRemove())
        if sent is not None:
            self._delete_later(chat_id, sent.message_id, self.config.erase_note_seconds)

    def _delete_later(self, chat_id: int, message_id: int, delay: float) -> None:
        """Delete the neutral line after `delay` seconds (a PTB JobQueue job)."""

        async def later(context: ContextTypes.DEFAULT_TYPE) -> None:
            if context.job is not None:
                self._notes.pop(context.job, None)
            await self._delete(chat_id, [message_id])

        assert self.app is not None and self.app.job_queue is not None, "build() first: it gives the JobQueue"
        job = self.app.job_queue.run_once(later, delay, name="delete-note")
        self._notes[job] = (chat_id, message_id)

    # ---------------------------------------------------------------- handlers
    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await self._on_message(update)
        finally:
            await self.finished(update)

    async def _on_message(self, update: Update) -> None:
        message, chat, user = update.message, update.effective_chat, update.effective_user
        if message is None or chat is None:
            return
        if chat.type != ChatType.PRIVATE:
            await self.group_note(message)
            return
        hint = user.language_code if user else None
        sender = self.sender(chat.id)
        body = (message.text or "").strip()
        if body and self.is_exit(body):  # before the lock: never wait behind a slow assistant
            await self.quick_exit(chat.id, sender, self.language(sender, hint), message.message_id, update.update_id)
            return
        async with self.memory.lock(sender, update.update_id) as first_time:
            if not first_time:  # delivered twice, handled once already
                return
            self.memory.remember(sender, message.message_id)
            lang = self.language(sender, hint)
            if not body:
                if message.effective_attachment is not None or message.caption:
                    await self.send(chat.id, sender, text("telegram_text_only", lang), self.exit_keyboard(lang))
                return  # service messages (e.g. the auto-delete timer changed): id kept, nothing to say
            if body.startswith("/"):
                await self.command(chat.id, sender, body, hint, lang)
            else:
                await self.converse(chat.id, sender, body, hint, user_text=body)

    async def command(self, chat_id: int, sender: str, body: str, hint: str | None, lang: str) -> None:
        name = body.split()[0][1:].split("@")[0].lower()  # exit commands never get here (is_exit)
        if name == "start":
            lang = await self.converse(chat_id, sender, GREET, hint) or lang
            start = f"{text('telegram_start_exit', lang)}\n\n{text('telegram_privacy_tip', lang)}"
            await self.send(chat_id, sender, start, self.exit_keyboard(lang))
        elif name == "language":
            await self.converse(chat_id, sender, SWITCH_TO["en" if lang == "fr" else "fr"], hint)
        else:  # /help, and any other command: what the assistant can help with
            await self.converse(chat_id, sender, HELP, hint)

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await self._on_callback(update)
        finally:
            await self.finished(update)

    async def _on_callback(self, update: Update) -> None:
        query = update.callback_query
        if query is None:
            return
        try:  # answer first: the client stops its spinner whatever happens next
            await query.answer()
        except TelegramError as exc:
            log.warning("A button press could not be answered (%s)", type(exc).__name__)
        chat = query.message.chat if query.message else None
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        hint = query.from_user.language_code if query.from_user else None
        sender = self.sender(chat.id)
        payload = self.payloads.decode(query.data)
        if payload == SAFETY_EXIT:  # before the lock, like a typed exit
            await self.quick_exit(chat.id, sender, self.language(sender, hint), update_id=update.update_id)
            return
        async with self.memory.lock(sender, update.update_id) as first_time:
            if not first_time:  # delivered twice, handled once already
                return
            lang = self.language(sender, hint)
            if payload is None:
                await self.send(chat.id, sender, text("telegram_button_expired", lang), self.exit_keyboard(lang))
            else:
                await self.converse(chat.id, sender, payload, hint)

    async def group_note(self, message: Message) -> None:
        """In a group: one short note when the bot is addressed, and nothing else."""
        body = message.text or ""
        me = self.bot.username or ""
        replied = message.reply_to_message
        addressed = (
            body.startswith("/")
            or (me and f"@{me}".lower() in body.lower())
            or (replied is not None and replied.from_user is not None and replied.from_user.id == self.bot.id)
        )
        if addressed:
            user = message.from_user
            lang = normalise_hint(user.language_code if user else None) or "en"
            await self.send(message.chat_id, None, text("telegram_group_note", lang))

    async def on_my_chat_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        change = update.my_chat_member
        if change is None or change.chat.type == ChatType.PRIVATE:
            return
        if change.new_chat_member.status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR):
            lang = normalise_hint(change.from_user.language_code if change.from_user else None) or "en"
            await self.send(change.chat.id, None, text("telegram_group_note", lang))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        log.error("Update failed: %s", type(error).__name__, exc_info=error)

    # ---------------------------------------------------------------- run
    def run(self) -> None:
        app = self.build()
        cfg = self.config
        if cfg.mode == "webhook":
            app.run_webhook(
                listen=cfg.webhook_listen,
                port=cfg.webhook_port,
                url_path=cfg.webhook_path,
                webhook_url=cfg.webhook_url,
                secret_token=cfg.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            app.run_polling(allowed_updates=ALLOWED_UPDATES, timeout=cfg.poll_timeout)


def main() -> None:
    try:
        config = Config.from_env()
    except ConfigError as exc:
        raise SystemExit(f"Telegram bridge not started: {exc}") from None
    startup.install_process()  # log redaction (bot/startup.py), before anything logs
    logs.setup(config.log_level, config.secrets)
    log.info("Starting the Telegram bridge (mode=%s)", config.mode)
    Bridge(config).run()
