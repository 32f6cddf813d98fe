"""When to alert and the notification every channel renders."""
