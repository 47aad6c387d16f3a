"""네트워크 없이 도는지: ``bash .ci/test``는 pytest 전체를 ``unshare -n``(루프백만 있는 새 네트워크
네임스페이스)에서 돌립니다. 이 파일은 그 네임스페이스가 정말로 인터넷을 막고 있는지 확인합니다.
그래서 같은 실행의 다른 테스트(모든 장의 nbval, 웹사이트 빌드, 브라우저 테스트)가 통과했다면,
데이터가 있을 때 어떤 셀도 무언가를 내려받지 않는다는 뜻입니다.

네임스페이스를 만들 수 없는 기계에서는 ``.ci/test``가 남긴 이유를 달고 건너뜁니다(조용히 건너뛰지
않습니다). ``CNN_BOOK_NETNS``가 없으면(``.ci/test`` 밖에서 pytest를 직접 부른 경우) 그렇다고 말하고
건너뜁니다.
"""

import os
import socket

import pytest

ACTIVE = os.environ.get("CNN_BOOK_NETNS")


def _require_namespace():
    if ACTIVE is None:
        pytest.skip("bash .ci/test 밖에서 실행했습니다: 네트워크 네임스페이스를 쓰지 않았습니다 "
                    "(CNN_BOOK_NETNS가 없음)")
    if ACTIVE != "1":
        pytest.skip("네트워크 네임스페이스를 만들지 못했습니다: "
                    + (os.environ.get("CNN_BOOK_NETNS_REASON") or "이유 모름"))


def test_internet_is_unreachable_inside_the_namespace():
    _require_namespace()
    with pytest.raises(OSError):  # 주소로 바로 연결 (DNS 없이)
        socket.create_connection(("151.101.0.223", 443), timeout=3)  # pypi.org의 한 주소
    with pytest.raises(OSError):  # 이름 풀이
        socket.getaddrinfo("pypi.org", 443)


def test_only_loopback_interface_is_up():
    _require_namespace()
    names = [name for _, name in socket.if_nameindex()]
    assert names == ["lo"], names


def test_loopback_still_works_for_kernels_and_the_site_server():
    _require_namespace()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=3)
    conn, _ = server.accept()
    client.sendall(b"ok")
    assert conn.recv(2) == b"ok"
    for s in (client, conn, server):
        s.close()
