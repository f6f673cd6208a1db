-- Takes a concurrency slot for a holder, or parks the run, atomically (a release between the check
-- and the park would otherwise leave the run parked with a free slot). Parked twice, a run keeps its
-- first place in line and its first message. Re-entrant: a holder already
-- in keeps its slot. Returns 1 when the slot is taken, 0 when refused.
-- KEYS[1] slots: zset holder → lease expiry (ms)
-- KEYS[2] parked: zset parked member → park time (ms), FIFO
-- KEYS[3] parks: set of slot keys with parked runs
-- KEYS[4] slot limits: hash slot key → limit
-- KEYS[5] parked messages: hash parked member → the queue message to push when woken
-- ARGV[1] holder
-- ARGV[2] limit
-- ARGV[3] lease expiry (ms)
-- ARGV[4] now (ms)
-- ARGV[5] parked member of the run to park when refused, or ''
-- ARGV[6] slot key
-- ARGV[7] the run's queue message (encoded by work-queue.ts), or ''
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
  if ARGV[5] ~= '' then
    redis.call('ZREM', KEYS[2], ARGV[5])
    redis.call('HDEL', KEYS[5], ARGV[5])
  end
  return 1
end
if ARGV[5] ~= '' then
  redis.call('ZADD', KEYS[2], 'NX', ARGV[4], ARGV[5])
  redis.call('HSETNX', KEYS[5], ARGV[5], ARGV[7])
  redis.call('SADD', KEYS[3], ARGV[6])
  redis.call('HSET', KEYS[4], ARGV[6], ARGV[2])
end
return 0
