-- order_status lost 'shipped' (writes fail); priority gained a label; channel_kind is gone; mood is new.
CREATE TYPE order_status AS ENUM ('new', 'paid');
CREATE TYPE priority AS ENUM ('low', 'medium', 'high');
CREATE TYPE mood AS ENUM ('ok');
