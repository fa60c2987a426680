"""Redis key names, in one place so that erasure and tests know every key a user can have.

All keys start with the configured prefix and end with the user's pseudonym (never a raw
Telegram id), except the raw-chat-id mapping which is the one place the real id is kept.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Keys:
    prefix: str

    def language(self, pseudonym: str) -> str:
        return f"{self.prefix}:lang:{pseudonym}"

    def conversation_language(self, pseudonym: str) -> str:
        return f"{self.prefix}:convlang:{pseudonym}"

    def handoff_request(self, pseudonym: str) -> str:
        return f"{self.prefix}:handoff:request:{pseudonym}"

    def handoff_id(self, request_id: str) -> str:
        return f"{self.prefix}:handoff:id:{request_id}"

    def handoff_queue(self, language: str) -> str:
        return f"{self.prefix}:handoff:queue:{language}"

    def handoff_claim(self, request_id: str) -> str:
        return f"{self.prefix}:handoff:claim:{request_id}"

    def handoff_thread(self, thread_id: int) -> str:
        return f"{self.prefix}:handoff:thread:{thread_id}"

    def handoff_message(self, message_id: int) -> str:
        return f"{self.prefix}:handoff:msg:{message_id}"

    def handoff_posted(self, request_id: str) -> str:
        return f"{self.prefix}:handoff:posted:{request_id}"

    def handoff_waits(self, language: str) -> str:
        return f"{self.prefix}:handoff:waits:{language}"

    def duty(self, counsellor_id: int) -> str:
        return f"{self.prefix}:duty:{counsellor_id}"

    def chat(self, pseudonym: str) -> str:
        # The one place a raw Telegram chat id is kept: needed to send to the user.
        return f"{self.prefix}:chat:{pseudonym}"

    def question(self, pseudonym: str) -> str:
        return f"{self.prefix}:question:{pseudonym}"

    def fallback_memory(self, pseudonym: str) -> str:
        return f"{self.prefix}:fallbacks:{pseudonym}"

    # -- delivery: inbox (updates in), outbox (messages out) --------------------------------

    def inbox(self, shard: int) -> str:
        return f"{self.prefix}:inbox:{shard}"

    def inbox_cursor(self, shard: int) -> str:
        return f"{self.prefix}:inbox:{shard}:cursor"

    def update_seen(self, update_id: int) -> str:
        return f"{self.prefix}:seen:{update_id}"

    def entry_done(self, shard: int, entry_id: str) -> str:
        return f"{self.prefix}:done:{shard}:{entry_id}"

    def shard_lease(self, shard: int) -> str:
        return f"{self.prefix}:lease:{shard}"

    def replica(self, replica_id: str) -> str:
        return f"{self.prefix}:replica:{replica_id}"

    def replicas_pattern(self) -> str:
        return f"{self.prefix}:replica:*"

    def outbox(self, recipient: str) -> str:
        return f"{self.prefix}:outbox:{recipient}"

    def outbox_recipients(self) -> str:
        return f"{self.prefix}:outbox"

    def outbox_lock(self, recipient: str) -> str:
        return f"{self.prefix}:outbox:{recipient}:lock"

    def tracker(self, pseudonym: str) -> str:
        # Rasa's RedisTrackerStore names its keys "<prefix>:tracker:<sender_id>".
        return f"{self.prefix}:tracker:{pseudonym}"

    def user_keys(self, pseudonym: str) -> list[str]:
        """Every key named after this user (the Rasa lock expires on its own within seconds)."""
        return [
            self.language(pseudonym),
            self.conversation_language(pseudonym),
            self.handoff_request(pseudonym),
            self.fallback_memory(pseudonym),
            self.question(pseudonym),
            self.tracker(pseudonym),
            self.outbox(pseudonym),
            self.chat(pseudonym),
        ]

    def user_pattern(self, pseudonym: str) -> str:
        return f"{self.prefix}:*{pseudonym}*"
