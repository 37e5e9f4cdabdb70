FROM scratch
COPY ./hello /hello
ENTRYPOINT ["/hello"]
