//! The server-side half: one Lua script that runs the GCRA atomically in Redis, and the
//! pure encoding of its arguments, answers and slot tickets.
//!
//! One hash per key holds `tat` (the theoretical arrival time of the next call, in
//! microseconds of the Redis server's clock) and `ep` (the pause epoch, bumped by every
//! 429). Every replica reads the same server clock (`TIME`), so their own clocks never
//! need to agree. The key expires `grace` after its last slot; an expired key is the same
//! as an idle one.

use std::time::Duration;

/// The script. `KEYS[1]` is the cell; `ARGV` is `op, interval_us, burst, grace_ms` and
/// then the operation's own arguments:
/// - `acquire`: reserve the next slot;
/// - `confirm epoch`: `{-1, ep, 0}` (go) when no pause came since `epoch`, else a new slot;
/// - `release epoch tag`: give back the slot whose reservation left `tat` ending in `tag`
///   when it is still the last one;
/// - `pause after_us`: nobody before `now + after_us`; bumps the epoch.
///
/// A slot is answered as `{delay_us, epoch, tag}`: start `delay_us` from now.
pub(crate) const LUA: &str = r#"
local key = KEYS[1]
local op = ARGV[1]
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local grace = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tau = interval * (burst - 1)
local raw = redis.call('HGET', key, 'tat')
local tat = now
if raw then tat = tonumber(raw) end
local ep = tonumber(redis.call('HGET', key, 'ep') or '0') % 2147483648
local TAG = 4294967296

local function store()
  redis.call('HSET', key, 'tat', string.format('%.0f', tat))
  local ms = math.ceil((tat - now) / 1000)
  if ms < 0 then ms = 0 end
  redis.call('PEXPIRE', key, ms + grace)
end

local function reserve()
  if tat < now then tat = now end
  local start = tat - tau
  if start < now then start = now end
  tat = tat + interval
  store()
  return {start - now, ep, tat % TAG}
end

if op == 'acquire' then
  return reserve()
elseif op == 'confirm' then
  if ep == tonumber(ARGV[5]) then return {-1, ep, 0} end
  return reserve()
elseif op == 'release' then
  if raw and ep == tonumber(ARGV[5]) and tat % TAG == tonumber(ARGV[6]) then
    tat = tat - interval
    store()
  end
  return {0, ep, 0}
elseif op == 'pause' then
  local floor = now + tonumber(ARGV[5]) + tau
  if tat < floor then tat = floor end
  ep = redis.call('HINCRBY', key, 'ep', 1) % 2147483648
  store()
  return {0, ep, 0}
end
return redis.error_reply('slack limiter: unknown operation ' .. tostring(op))
"#;

/// One operation of the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Acquire,
    Confirm { epoch: u32 },
    Release { epoch: u32, tag: u32 },
    Pause { after: Duration },
}

/// The script's arguments after `KEYS[1]`.
pub(crate) fn args(op: Op, interval: Duration, burst: u32, grace: Duration) -> Vec<String> {
    let mut a = vec![
        match op {
            Op::Acquire => "acquire",
            Op::Confirm { .. } => "confirm",
            Op::Release { .. } => "release",
            Op::Pause { .. } => "pause",
        }
        .to_owned(),
        // At least 1 µs, so a zero interval cannot stall the cell.
        micros(interval).max(1).to_string(),
        burst.max(1).to_string(),
        grace.as_millis().min(u128::from(u32::MAX)).to_string(),
    ];
    match op {
        Op::Acquire => {}
        Op::Confirm { epoch } => a.push(epoch.to_string()),
        Op::Release { epoch, tag } => {
            a.push(epoch.to_string());
            a.push(tag.to_string());
        }
        Op::Pause { after } => a.push(micros(after).to_string()),
    }
    a
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// What the script answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// A slot starting `delay` after the script ran.
    Slot { delay: Duration, ticket: u64 },
    /// `confirm`: no pause since the slot was reserved.
    Go,
    /// `release` and `pause`.
    Done,
}

/// Decode the script's `{delay_us, epoch, tag}` for `op`.
pub(crate) fn decode(op: Op, reply: &[i64]) -> Result<Answer, String> {
    let [delay, epoch, tag] = reply else {
        return Err(format!("{} values, expected 3", reply.len()));
    };
    match op {
        Op::Release { .. } | Op::Pause { .. } => Ok(Answer::Done),
        Op::Confirm { .. } if *delay == -1 => Ok(Answer::Go),
        Op::Acquire | Op::Confirm { .. } => {
            let delay = u64::try_from(*delay).map_err(|_| format!("negative delay {delay}"))?;
            let epoch = u32::try_from(*epoch).map_err(|_| format!("epoch {epoch}"))?;
            let tag = u32::try_from(*tag).map_err(|_| format!("tag {tag}"))?;
            Ok(Answer::Slot {
                delay: Duration::from_micros(delay),
                ticket: Ticket::Redis { epoch, tag }.encode(),
            })
        }
    }
}

/// What a [`Slot`](slack_core::limiter::Slot)'s ticket says: which limiter made it, and what that
/// limiter needs to confirm or release it.
///
/// Bit 63 set: the in-memory fallback's slot (its own ticket in the low bits). Clear: a
/// Redis slot, the pause epoch (31 bits) above the low 32 bits of the `tat` it left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ticket {
    Redis { epoch: u32, tag: u32 },
    Memory(u64),
}

const MEMORY_BIT: u64 = 1 << 63;

impl Ticket {
    pub(crate) fn encode(self) -> u64 {
        match self {
            Ticket::Redis { epoch, tag } => (u64::from(epoch & 0x7FFF_FFFF) << 32) | u64::from(tag),
            Ticket::Memory(t) => MEMORY_BIT | (t & !MEMORY_BIT),
        }
    }

    pub(crate) fn decode(ticket: u64) -> Ticket {
        if ticket & MEMORY_BIT != 0 {
            Ticket::Memory(ticket & !MEMORY_BIT)
        } else {
            Ticket::Redis {
                epoch: ((ticket >> 32) & 0x7FFF_FFFF) as u32,
                tag: (ticket & 0xFFFF_FFFF) as u32,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_round_trip() {
        for t in [
            Ticket::Redis { epoch: 0, tag: 0 },
            Ticket::Redis {
                epoch: 0x7FFF_FFFF,
                tag: u32::MAX,
            },
            Ticket::Memory(0),
            Ticket::Memory(42),
        ] {
            assert_eq!(Ticket::decode(t.encode()), t);
        }
        assert_ne!(
            Ticket::Memory(5).encode(),
            Ticket::Redis { epoch: 0, tag: 5 }.encode()
        );
    }

    #[test]
    fn arguments() {
        let a = args(
            Op::Release { epoch: 3, tag: 9 },
            Duration::from_millis(1200),
            5,
            Duration::from_secs(60),
        );
        assert_eq!(a, ["release", "1200000", "5", "60000", "3", "9"]);
        let a = args(
            Op::Pause {
                after: Duration::from_secs(30),
            },
            Duration::ZERO,
            0,
            Duration::ZERO,
        );
        assert_eq!(a, ["pause", "1", "1", "0", "30000000"]);
    }

    #[test]
    fn answers() {
        assert_eq!(
            decode(Op::Acquire, &[1500, 2, 77]),
            Ok(Answer::Slot {
                delay: Duration::from_micros(1500),
                ticket: Ticket::Redis { epoch: 2, tag: 77 }.encode()
            })
        );
        assert_eq!(
            decode(Op::Confirm { epoch: 2 }, &[-1, 2, 0]),
            Ok(Answer::Go)
        );
        assert!(decode(Op::Acquire, &[-1, 0, 0]).is_err());
        assert!(decode(Op::Acquire, &[1, 2]).is_err());
        assert_eq!(
            decode(
                Op::Pause {
                    after: Duration::ZERO
                },
                &[0, 1, 0]
            ),
            Ok(Answer::Done)
        );
    }
}
