from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/es/account/signup/", "Elija un nombre que no diga quién es usted"),
        ("/es/account/login/", "Iniciar sesión"),
        ("/es/account/password/reset/", "Cambie su contraseña olvidada"),
        ("/es/account/deleted/", "Su cuenta está borrada"),
    ],
)
def test_it_renders_public_pages_in_spanish(client, path, text):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert text in page


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/es/account/", "Cerrar sesión en todas partes"),
        ("/es/account/my-data/", "Descargar (página para leer)"),
        ("/es/account/delete/", "Escriba BORRAR para confirmar"),
        ("/es/account/two-step/", "Clave para escribir a mano"),
        ("/es/account/recovery-codes/", "códigos de recuperación sin usar"),
    ],
)
def test_it_renders_account_pages_in_spanish(owner_client, path, text):
    page = owner_client.get(path).content.decode()
    assert text in page


def test_it_asks_for_the_spanish_word_to_delete(owner_client, owner):
    from waypoint.accounts.models import User
    from waypoint.core.tests.personas import PASSWORD

    refused = owner_client.post("/es/account/delete/", {"password": PASSWORD, "confirm": "DELETE"})
    assert "Escriba la palabra BORRAR para confirmar" in refused.content.decode()
    owner_client.post("/es/account/delete/", {"password": PASSWORD, "confirm": "borrar"})
    assert not User.objects.filter(pk=owner.pk).exists()


def test_it_explains_the_lockout_in_spanish(client, owner):
    for _ in range(5):
        response = client.post("/es/account/login/", {"username": owner.username, "password": "wrong-wrong"})
    assert response.status_code == 429
    assert "el inicio de sesión está en pausa durante 15 minutos" in response.content.decode()
