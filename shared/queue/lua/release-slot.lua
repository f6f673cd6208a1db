-- Releases a slot (holder '' releases nothing), drops expired slots, and pushes the parked runs'
-- messages to the queue while there is room, oldest park first. Returns how many it woke.
-- KEYS[1] slots: zset holder → lease expiry (ms)
-- KEYS[2] parked: zset parked member → park time (ms)
-- KEYS[3] queue: list
-- KEYS[4] parks: set of slot keys with parked runs
-- KEYS[5] parked messages: hash parked member → queue message
-- ARGV[1] holder, or ''
-- ARGV[2] limit
-- ARGV[3] now (ms)
-- ARGV[4] slot key
if ARGV[1] ~= '' then redis.call('ZREM', KEYS[1], ARGV[1]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local free = tonumber(ARGV[2]) - redis.call('ZCARD', KEYS[1])
local woken = 0
while free > 0 do
  local m = redis.call('ZPOPMIN', KEYS[2])
  if #m == 0 then break end
  local message = redis.call('HGET', KEYS[5], m[1])
  redis.call('HDEL', KEYS[5], m[1])
  -- A member without its message holds no slot and is not pushed: its run is PENDING in
  -- PostgreSQL, where the recovery sweep finds it and enqueues it again.
  if message then
    redis.call('LPUSH', KEYS[3], message)
    free = free - 1
    woken = woken + 1
  end
end
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('SREM', KEYS[4], ARGV[4]) end
return woken
