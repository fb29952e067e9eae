using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// Holds a handshake's current <see cref="HandshakeState"/> and its <see cref="HandshakeContext"/>: feeds it the
/// expected frames, hands out its jobs (key-pair precomputation, the PBKDF2 derivation) and takes their results
/// back. Every step returns the next state for the session to act on (<see cref="HandshakeFailed"/>,
/// <see cref="HandshakeComplete"/>, or another step). Not thread-safe.
/// </summary>
internal sealed class HandshakeDriver : IDisposable
{
    private readonly HandshakeContext _context;
    private HandshakeState _state;

    public HandshakeDriver(SessionSettings settings, SessionOutput output, RecordLayer records)
    {
        _context = new HandshakeContext(settings, output, records);
        _state = settings.Role == SessionRole.Client ? ClientHandshake.Start(_context) : ServerHandshake.Start();
    }

    public HandshakeState State => _state;

    /// <summary>The frame the current step waits for; null while it waits for a job.</summary>
    public FrameType? Expected => _state.Expected;

    /// <summary>The group and count the hellos settled, once they have.</summary>
    public DhGroup? Group => _context.Group;

    public int Iterations => _context.Iterations;

    public bool DerivationPending => _state is AwaitingDerivation;

    public bool DerivationReady => _state is AwaitingDerivation { JobReady: true };

    /// <summary>True when the current step consumes a frame of <paramref name="type"/>.</summary>
    public bool Expects(byte type) => _state.Expects(type);

    /// <summary>Consumes the expected frame; returns the next state.</summary>
    public HandshakeState Consume(ReadOnlySpan<byte> frame) => MoveTo(_state.Consume(frame, _context));

    /// <summary>Consumes the expected sealed handshake record (already opened); returns the next state.</summary>
    public HandshakeState ConsumeRecord(FrameType type, ReadOnlySpan<byte> plaintext) => MoveTo(_state.ConsumeRecord(type, plaintext, _context));

    /// <summary>A key pair the next step will need, as a job; null when none is wanted or one was handed out.</summary>
    public KeyPairJob? BeginKeyPairPrecomputation()
    {
        if (_state is not KeyPairSlotState slot || slot.Requested || slot.KeyPair is not null)
        {
            return null;
        }

        slot.Requested = true;
        if (_context.UsesPassphrase)
        {
            return null; // a CPace key pair needs the generator the hellos fix; it is made in place
        }

        if (_context.Settings.KeyPairs?.Refills == true)
        {
            return null; // the reserve keeps one ready
        }

        return new KeyPairJob(slot.Group, _context.Settings.Random);
    }

    /// <summary>Keeps the precomputed pair if the current step still wants it (same group); disposes it otherwise.</summary>
    public void CompleteKeyPairPrecomputation(DhKeyPair pair)
    {
        if (_state is KeyPairSlotState { KeyPair: null } slot && slot.Group == pair.Group)
        {
            slot.KeyPair = pair;
        }
        else
        {
            pair.Dispose();
        }
    }

    public KeyDerivationJob BeginKeyDerivation() => _state is AwaitingDerivation { JobReady: true } awaiting
        ? awaiting.BeginJob()
        : throw new InvalidOperationException("no key derivation is pending");

    /// <summary>Takes the derivation's result; null when the handshake no longer waits for it.</summary>
    public HandshakeState? CompleteKeyDerivation(KeyDerivationJob job) =>
        _state is AwaitingDerivation awaiting ? MoveTo(awaiting.Complete(job, _context)) : null;

    public void Dispose()
    {
        _state.Dispose();
        _context.Dispose();
    }

    /// <summary>A new step replaces (and wipes) the old one; a terminal outcome is returned for the session to take.</summary>
    private HandshakeState MoveTo(HandshakeState next)
    {
        if (next is not (HandshakeFailed or HandshakeComplete) && next != _state)
        {
            _state.Dispose();
            _state = next;
        }

        return next;
    }
}
