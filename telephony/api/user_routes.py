"""Managing users: admins manage everyone; others may read and edit (name, password) themselves."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from telephony.api.auth import AUTH
from telephony.api.routing import RouteTable, principal_of, uuid_param
from telephony.api.schemas import SupervisedQueues, UserCreate, UserList, UserOut, UserPatch
from telephony.api.ws import HUB
from telephony.auth.policy import Forbidden, can_act_on_agent
from telephony.errors import InvalidInput, NotFound, Refused

routes = RouteTable()
ADMIN = frozenset({"admin"})
QUEUE_NAMES = web.AppKey("queue_names", Callable[[], list[str]])  # the queues of the call-center file in force


@routes.route("GET", "/api/v1/users", "List users", roles=ADMIN, response=UserList, errors=(403,), tag="users")
async def list_users(request: web.Request) -> UserList:
    return UserList(users=[UserOut.of(u) for u in await request.app[AUTH].users.list()])


@routes.route("POST", "/api/v1/users", "Create a user", roles=ADMIN, body=UserCreate, response=UserOut,
              status=201, errors=(403, 409), tag="users")
async def create_user(request: web.Request, body: UserCreate) -> UserOut:
    user = await request.app[AUTH].create_user(body.name, body.display_name, body.role, body.password)
    return UserOut.of(user)


@routes.route("GET", "/api/v1/users/{user_id}", "Read a user (yourself, or anyone: admin)", response=UserOut,
              errors=(403, 404), tag="users")
async def get_user(request: web.Request) -> UserOut:
    user_id = uuid_param(request, "user_id", "user")
    can_act_on_agent(principal_of(request), user_id)
    user = await request.app[AUTH].users.get(user_id)
    if user is None:
        raise NotFound("user")
    return UserOut.of(user)


@routes.route("PATCH", "/api/v1/users/{user_id}", "Change a user (yourself: display name and password)",
              body=UserPatch, response=UserOut, errors=(403, 404, 409), tag="users")
async def update_user(request: web.Request, body: UserPatch) -> UserOut:
    user_id = uuid_param(request, "user_id", "user")
    principal = principal_of(request)
    can_act_on_agent(principal, user_id)
    if not principal.is_admin and (body.role is not None or body.disabled is not None):
        raise Forbidden("only an admin may change a role or disable a user", "role_not_allowed")
    if principal.user_id == user_id and (body.disabled or (body.role not in (None, principal.role))):
        raise Refused("you may not disable yourself or change your own role", "own_account")
    user = await request.app[AUTH].update_user(user_id, display_name=body.display_name, role=body.role,
                                               password=body.password, disabled=body.disabled)
    if user is None:
        raise NotFound("user")
    if body.disabled:
        request.app[HUB].close_user(user_id, "account disabled")
    elif body.role is not None:
        request.app[HUB].close_user(user_id, "role changed")
    return UserOut.of(user)


@routes.route("DELETE", "/api/v1/users/{user_id}", "Disable a user and revoke their tokens", roles=ADMIN,
              status=204, errors=(403, 404, 409), tag="users",
              description="Users are disabled, not deleted: their history keeps pointing at them.")
async def disable_user(request: web.Request) -> None:
    user_id = uuid_param(request, "user_id", "user")
    if principal_of(request).user_id == user_id:
        raise Refused("you may not disable yourself", "own_account")
    if await request.app[AUTH].update_user(user_id, disabled=True) is None:
        raise NotFound("user")
    request.app[HUB].close_user(user_id, "account disabled")


@routes.route("PUT", "/api/v1/users/{user_id}/supervised-queues", "Set the queues a supervisor supervises",
              roles=ADMIN, body=SupervisedQueues, response=UserOut, errors=(403, 404, 409, 422), tag="users",
              description="Queue names are those of the call-center file. Open event connections keep the "
                          "queues they had when they connected.")
async def set_supervised_queues(request: web.Request, body: SupervisedQueues) -> UserOut:
    user_id = uuid_param(request, "user_id", "user")
    users = request.app[AUTH].users
    user = await users.get(user_id)
    if user is None:
        raise NotFound("user")
    if user.role != "supervisor":
        raise Refused(f"{user.name} is {user.role}, not supervisor", "not_a_supervisor")
    if QUEUE_NAMES in request.app:
        known = request.app[QUEUE_NAMES]()
        unknown = sorted(set(body.queues) - set(known))
        if unknown:
            raise InvalidInput("queues", f"unknown queue(s): {', '.join(unknown)}", known)
    await users.set_supervised_queues(user_id, body.queues)
    request.app[HUB].close_user(user_id, "supervised queues changed")
    return UserOut.of(await users.get(user_id))
