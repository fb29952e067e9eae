namespace SecureChat.Engine.Hub.Store;

/// <summary>The hub's store could not be opened or written (a full disk, a store of a newer version); the message says which, in plain words.</summary>
public sealed class HubStoreException : Exception
{
    public HubStoreException(string message)
        : base(message)
    {
    }

    public HubStoreException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
