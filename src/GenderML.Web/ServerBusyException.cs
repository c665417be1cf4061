namespace GenderML.Web;

/// <summary>The model's queue of images waiting for the network is full (<see cref="GenderMLWebOptions.QueueCapacity"/>); try again later.</summary>
public sealed class ServerBusyException(string message) : Exception(message);
