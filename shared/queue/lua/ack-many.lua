-- Removes each message once from a worker's processing list (the acks of one event-loop phase).
-- Returns how many it was given.
-- KEYS[1] processing: the worker's list
-- ARGV[i] a message, exactly as reserved
for i = 1, #ARGV do redis.call('LREM', KEYS[1], 1, ARGV[i]) end
return #ARGV
