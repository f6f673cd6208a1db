-- Moves up to ARGV[1] messages from the queue to a worker's processing list, stopping at the end of
-- the queue: one command however many slots are free. Returns the messages moved, oldest first.
-- KEYS[1] queue: list
-- KEYS[2] processing: the worker's list
-- ARGV[1] most messages to move
local out = {}
for i = 1, tonumber(ARGV[1]) do
  local v = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not v then break end
  out[i] = v
end
return out
