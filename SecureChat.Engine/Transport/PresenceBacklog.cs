using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The presence notices a hub holds for one peer while that peer's writer is busy, coalesced so a peer that reads
/// slowly is told the net change, not every step (a nick flood by someone else costs it one notice, not thousands).
/// Notices are sealed, in order, when the writer next takes output, and before any other application record, so
/// the peer never sees a chat line ahead of the notice that names its sender. Rules, per subject (the link the
/// notice is about):
/// <list type="bullet">
/// <item>left after a held joined: both vanish, with every held notice about that subject (the peer never knew it);</item>
/// <item>left after a held renamed (a to b): becomes left as a, in place (the name the peer knows);</item>
/// <item>renamed (b to c) right after a held joined as b or renamed a to b that is the newest held notice: becomes
/// joined as c or renamed a to c (nothing when c is a); only the newest notice is merged, since an older one is
/// followed by notices of others that may depend on the names in between;</item>
/// </list>
/// Answers to the peer's own renames (you) are never merged: the peer matches each answer to the Nick it sent, in
/// order (PROTOCOL.md 4.2), so every one is sent.
/// <see cref="HeldBytes"/> is the size the held notices will take as sealed frames, counted in the peer's output
/// budget. Not thread-safe: used under the link's lock.
/// </summary>
internal sealed class PresenceBacklog
{
    private readonly LinkedList<Notice> _held = new();
    private readonly Dictionary<int, LinkedListNode<Notice>> _newestBySubject = [];

    /// <summary>One held notice and the previous held notice about the same subject.</summary>
    public sealed record Notice(int Subject, PresenceKind Kind, byte[] Digest, string Name, string NewName)
    {
        internal LinkedListNode<Notice>? Earlier { get; set; }
    }

    public int Count => _held.Count;

    /// <summary>Bytes the held notices take once sealed (header, IV, padded ciphertext, tag).</summary>
    public int HeldBytes { get; private set; }

    /// <summary>The room a notice of this kind is about: every member is in <see cref="ChatEndpoint.Lobby"/> alone.</summary>
    public static string RoomOf(PresenceKind kind) => PresenceRecord.HasRoom(kind) ? ChatEndpoint.Lobby : string.Empty;

    /// <summary>The sealed size of one Presence frame (kind, room, digest, name, flags, text).</summary>
    public static int FrameSize(PresenceKind kind, string name, string newName) =>
        WireFormat.FrameHeaderSize + RecordProtector.SealedSize(
            1 + 1 + RecordPayload.StrictUtf8.GetByteCount(RoomOf(kind)) + WireFormat.IdentityDigestSize + 1 + RecordPayload.StrictUtf8.GetByteCount(name) + 1 + 1 + RecordPayload.StrictUtf8.GetByteCount(newName));

    /// <summary>Holds (or coalesces) one notice about <paramref name="subject"/>.</summary>
    public void Add(int subject, PresenceKind kind, byte[] digest, string name, string newName)
    {
        if (_newestBySubject.TryGetValue(subject, out LinkedListNode<Notice>? newest))
        {
            Notice held = newest.Value;
            if (kind == PresenceKind.Left && HasJoined(newest))
            {
                RemoveSubject(newest);
                return;
            }

            if (kind == PresenceKind.Left && held.Kind == PresenceKind.Renamed)
            {
                Replace(newest, held with { Kind = PresenceKind.Left, NewName = string.Empty });
                return;
            }

            if (kind == PresenceKind.Renamed && newest == _held.Last && held.Kind is PresenceKind.Joined or PresenceKind.Renamed)
            {
                if (held.Kind == PresenceKind.Joined)
                {
                    Replace(newest, held with { Name = newName });
                }
                else if (held.Name == newName)
                {
                    RemoveNode(newest);
                }
                else
                {
                    Replace(newest, held with { NewName = newName });
                }

                return;
            }
        }

        Append(new Notice(subject, kind, digest, name, newName));
    }

    /// <summary>Hands every held notice, oldest first, to <paramref name="send"/> and forgets them.</summary>
    public void Drain(Action<Notice> send)
    {
        foreach (Notice notice in _held)
        {
            send(notice);
        }

        Clear();
    }

    /// <summary>With nothing held, gives back the index a storm of notices grew (an idle link keeps a small one).</summary>
    public void TrimExcess()
    {
        if (_held.Count == 0)
        {
            _newestBySubject.TrimExcess();
        }
    }

    public void Clear()
    {
        _held.Clear();
        _newestBySubject.Clear();
        HeldBytes = 0;
    }

    private static bool HasJoined(LinkedListNode<Notice> newest)
    {
        for (LinkedListNode<Notice>? node = newest; node is not null; node = node.Value.Earlier)
        {
            if (node.Value.Kind == PresenceKind.Joined)
            {
                return true;
            }
        }

        return false;
    }

    private void Append(Notice notice)
    {
        if (_newestBySubject.TryGetValue(notice.Subject, out LinkedListNode<Notice>? earlier))
        {
            notice.Earlier = earlier;
        }

        _newestBySubject[notice.Subject] = _held.AddLast(notice);
        HeldBytes += FrameSize(notice.Kind, notice.Name, notice.NewName);
    }

    private void Replace(LinkedListNode<Notice> node, Notice with)
    {
        with.Earlier = node.Value.Earlier;
        HeldBytes += FrameSize(with.Kind, with.Name, with.NewName) - FrameSize(node.Value.Kind, node.Value.Name, node.Value.NewName);
        node.Value = with;
    }

    /// <summary>Removes the newest notice about a subject (the one in the index).</summary>
    private void RemoveNode(LinkedListNode<Notice> newest)
    {
        Notice notice = newest.Value;
        HeldBytes -= FrameSize(notice.Kind, notice.Name, notice.NewName);
        _held.Remove(newest);
        if (notice.Earlier is { } earlier)
        {
            _newestBySubject[notice.Subject] = earlier;
        }
        else
        {
            _newestBySubject.Remove(notice.Subject);
        }
    }

    private void RemoveSubject(LinkedListNode<Notice> newest)
    {
        for (LinkedListNode<Notice>? node = newest; node is not null;)
        {
            LinkedListNode<Notice>? earlier = node.Value.Earlier;
            HeldBytes -= FrameSize(node.Value.Kind, node.Value.Name, node.Value.NewName);
            _held.Remove(node);
            node = earlier;
        }

        _newestBySubject.Remove(newest.Value.Subject);
    }
}
