"""Getting updates in and replies out: at least once, never twice, in order per chat.

    Telegram --(polling or webhook)--> Inbox --(UpdateWorker)--> handlers --> Outbox --(OutboxSender)--> Telegram

- **Inbox** (inbox.py): every update is written to a Redis stream, de-duplicated by update_id,
  *before* Telegram is told it arrived (the next getUpdates offset, or the webhook's 200). A
  gateway that dies loses nothing: the update waits in Redis. Streams are sharded by chat.
- **Shards** (shards.py): each shard is leased to one gateway replica at a time, so the
  updates of one chat are handled by one process, in order, even with several replicas.
- **UpdateWorker** (worker.py): handles a shard's updates (different chats concurrently, one
  chat's updates one after another) and commits the replies to the outbox together with
  marking the update done, in one Redis transaction.
- **Outbox** (outbox.py): per-recipient ordered lists of Bot API calls; one replica at a time
  drains a recipient (a lock), within Telegram's limits (ratelimit.py), retrying on 429 and
  network errors; a message leaves the outbox only after Telegram accepted it.
"""
