using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The server's puzzle policy (PROTOCOL.md, "Puzzle"): decides per ClientHello whether to demand a proof of work
/// (<see cref="PuzzleMode"/>, derivation load, the handshake rate of the client's source prefix), issues stateless
/// challenges bound to a secret of this process, the time window, the client's address and its hello nonce, and
/// checks answers with one hash, refusing an answer used twice. Holds no state per connection; the only state is the
/// per-prefix rate and penalties and the answers seen in the last two windows, all bounded. Thread-safe.
/// </summary>
/// <remarks>
/// Used answers are kept in one set per window, dropped once their window can no longer be answered, so the sets
/// empty themselves. When a window's set is full (<see cref="AnswersPerWindowMax"/>, about 2^36 hashes of answers at
/// the default difficulty), a further valid answer is still accepted without being remembered, up to
/// <see cref="ChatOptions.HandshakesPerSource"/> a window per source prefix: its replay could only come
/// from the same address (the challenge binds it), which that count bounds. A full table never refuses everyone.
/// </remarks>
internal sealed class PuzzleGate
{
    /// <summary>Most source prefixes tracked for the rate and the penalties; beyond, a new prefix is asked for work.</summary>
    public const int TrackedMax = 65_536;

    /// <summary>Most answers remembered per window (two windows are kept).</summary>
    public const int AnswersPerWindowMax = 262_144;

    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(1);

    private readonly ChatOptions _options;
    private readonly Func<bool> _underLoad;
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<SourcePrefix, RateBucket> _rates = new();
    private readonly object _answersGate = new();
    private AnswerSet _current = new(0);
    private AnswerSet _previous = new(uint.MaxValue);
    private readonly ConcurrentDictionary<SourcePrefix, Penalty> _penalties = new();

    public PuzzleGate(ChatOptions options, Func<bool> underLoad)
    {
        _options = options;
        _underLoad = underLoad;
    }

    /// <summary>The session's view of this gate for one client address.</summary>
    public IHelloGate For(IPAddress address) => new ForAddress(this, address);

    private uint CurrentWindow => (uint)(_options.Time.GetUtcNow().ToUnixTimeSeconds() / (long)s_window.TotalSeconds);

    /// <summary>
    /// A source prefix (<see cref="SourcePrefix"/>) failed key confirmation (a wrong passphrase, or a guess at it): for
    /// <see cref="ChatOptions.ConfirmationPenalty"/> handshakes from any of its addresses need a puzzle, one bit harder for every further failure (up to the protocol's maximum), so each
    /// online guess costs the guesser ever more work. Applies even with <see cref="PuzzleMode.Never"/>.
    /// </summary>
    public void Penalize(SourcePrefix prefix)
    {
        if (_options.ConfirmationPenalty <= TimeSpan.Zero)
        {
            return;
        }

        long now = _options.Time.GetTimestamp();
        if (_penalties.Count >= TrackedMax)
        {
            foreach (KeyValuePair<SourcePrefix, Penalty> old in _penalties)
            {
                if (_options.Time.GetElapsedTime(old.Value.Since, now) > _options.ConfirmationPenalty)
                {
                    _penalties.TryRemove(old.Key, out _);
                }
            }
        }

        _penalties.AddOrUpdate(prefix, _ => new Penalty(1, now), (_, p) => new Penalty(p.Failures + 1, now));
    }

    /// <summary>Failed confirmations from <paramref name="prefix"/> within the penalty period (0 when none).</summary>
    public int FailuresOf(SourcePrefix prefix) =>
        _penalties.TryGetValue(prefix, out Penalty? p) && _options.Time.GetElapsedTime(p.Since) <= _options.ConfirmationPenalty ? p.Failures : 0;

    private PuzzleMessage? Check(IPAddress address, ClientHello hello)
    {
        var prefix = new SourcePrefix(address);
        bool overRate = !TakeRateToken(prefix);
        int failures = FailuresOf(prefix);
        bool required = failures > 0 || _options.Puzzle switch
        {
            PuzzleMode.Always => true,
            PuzzleMode.Never => false,
            _ => overRate || _underLoad(),
        };

        if (!required)
        {
            return null;
        }

        int difficulty = Math.Min(WireFormat.PuzzleDifficultyMax, _options.PuzzleBits + Math.Max(0, failures - 1));

        uint window = CurrentWindow;
        byte[] addressBytes = address.MapToIPv6().GetAddressBytes();
        byte[] challenge = HandshakePuzzle.Challenge(_secret, window, addressBytes, hello.Nonce);
        if (hello.Solution is { } solution && (solution.Window == window || solution.Window + 1 == window))
        {
            // One HMAC per hello: the answer to this window's challenge is checked against the challenge re-sent.
            byte[] answered = solution.Window == window ? challenge : HandshakePuzzle.Challenge(_secret, solution.Window, addressBytes, hello.Nonce);
            if (HandshakePuzzle.IsSolution(answered, solution.Counter, difficulty) && Remember(hello.Nonce, solution.Window, window, prefix))
            {
                return null;
            }
        }

        return new PuzzleMessage((byte)difficulty, window, challenge);
    }

    /// <summary>
    /// Records an answer (by the first 16 bytes of its random hello nonce: a client that chose two nonces alike only
    /// spoils its own second answer) as used in its window's set; false when it was used before, or when that
    /// set is full and <paramref name="prefix"/> has had its share of answers accepted unremembered in the window.
    /// </summary>
    private bool Remember(byte[] nonce, uint answerWindow, uint now, SourcePrefix prefix)
    {
        UInt128 key = BinaryPrimitives.ReadUInt128BigEndian(nonce);
        lock (_answersGate)
        {
            if (now != _current.Window)
            {
                // Rotate: answers for a window older than the previous one are refused anyway, so their set can go.
                _previous = now == _current.Window + 1 ? _current : new AnswerSet(now - 1);
                _current = new AnswerSet(now);
            }

            AnswerSet? set = answerWindow == _current.Window ? _current : answerWindow == _previous.Window ? _previous : null;
            if (set is null || set.Used.Contains(key))
            {
                return false;
            }

            if (set.Used.Count < AnswersPerWindowMax)
            {
                set.Used.Add(key);
                return true;
            }

            int unremembered = set.Unremembered.GetValueOrDefault(prefix);
            if (unremembered >= _options.HandshakesPerSource || (unremembered == 0 && set.Unremembered.Count >= TrackedMax))
            {
                return false;
            }

            set.Unremembered[prefix] = unremembered + 1;
            return true;
        }
    }

    /// <summary>A token bucket per source prefix: <see cref="ChatOptions.HandshakeRate"/>, bursts of twice that.</summary>
    private bool TakeRateToken(SourcePrefix prefix)
    {
        double rate = _options.HandshakeRate;
        long now = _options.Time.GetTimestamp();
        if (_rates.Count >= TrackedMax && !_rates.ContainsKey(prefix))
        {
            Prune(now, rate);
            if (_rates.Count >= TrackedMax)
            {
                return false;
            }
        }

        RateBucket bucket = _rates.GetOrAdd(prefix, _ => new RateBucket(2 * rate, now));
        lock (bucket)
        {
            bucket.Refill(now, rate, _options.Time);
            if (bucket.Tokens < 1)
            {
                return false;
            }

            bucket.Tokens--;
            return true;
        }
    }

    private void Prune(long now, double rate)
    {
        foreach (KeyValuePair<SourcePrefix, RateBucket> entry in _rates)
        {
            lock (entry.Value)
            {
                entry.Value.Refill(now, rate, _options.Time);
                if (entry.Value.Tokens >= 2 * rate)
                {
                    _rates.TryRemove(entry.Key, out _);
                }
            }
        }
    }

    private sealed record Penalty(int Failures, long Since);

    /// <summary>The answers used in one window, and the answers accepted unremembered per prefix once that set was full.</summary>
    private sealed class AnswerSet(uint window)
    {
        public uint Window { get; } = window;

        public HashSet<UInt128> Used { get; } = [];

        public Dictionary<SourcePrefix, int> Unremembered { get; } = [];
    }

    private sealed class RateBucket(double tokens, long at)
    {
        public double Tokens { get; set; } = tokens;

        public void Refill(long now, double rate, TimeProvider time)
        {
            Tokens = Math.Min(2 * rate, Tokens + time.GetElapsedTime(at, now).TotalSeconds * rate);
            at = now;
        }
    }

    private sealed class ForAddress(PuzzleGate gate, IPAddress address) : IHelloGate
    {
        public PuzzleMessage? Check(ClientHello hello) => gate.Check(address, hello);
    }
}
