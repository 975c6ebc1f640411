"""Contact without exposing addresses: who receives an organisation's relayed messages,
who may write to it, and the pages for writing and answering (the relay itself is
``messaging.relay``)."""
