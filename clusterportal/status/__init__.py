"""The operations status page for staff (/admin/status/): index, queue, outbox, backup."""
